package dev.slipway.platform.grpc;

import dev.slipway.platform.auth.AccessInterceptor;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Serves another service's gRPC API by passing every call through, unread, to where it is served: a
 * client then needs one address. Only the caller's bearer token goes along, and the service checks
 * it again; flow control holds each side to what the other can take.
 */
public final class PassThrough {
  /** Messages as the bytes they are on the wire, unread. */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw Status.INTERNAL.withDescription("cannot read a message").asRuntimeException();
          }
        }
      };

  private static final Duration RECONNECT_WAIT = Duration.ofSeconds(2);

  private PassThrough() {}

  /**
   * {@code service}'s methods, each passed through to {@code target}; {@code label} names the
   * service in the status of a call it cannot take ("health-service at 10.0.0.7:9092"); {@code
   * authorization} is the header value each call carries, asked for in the call's context.
   */
  public static ServerServiceDefinition of(
      ServiceDescriptor service,
      ManagedChannel target,
      String label,
      Supplier<String> authorization) {
    List<MethodDescriptor<byte[], byte[]>> methods =
        service.getMethods().stream().map(m -> m.toBuilder(BYTES, BYTES).build()).toList();
    ServiceDescriptor.Builder raw =
        ServiceDescriptor.newBuilder(service.getName())
            .setSchemaDescriptor(service.getSchemaDescriptor());
    methods.forEach(raw::addMethod);
    ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(raw.build());
    for (MethodDescriptor<byte[], byte[]> method : methods) {
      definition.addMethod(method, new Forward(method, target, label, authorization));
    }
    return definition.build();
  }

  private record Forward(
      MethodDescriptor<byte[], byte[]> method,
      ManagedChannel target,
      String label,
      Supplier<String> authorization)
      implements ServerCallHandler<byte[], byte[]> {
    @Override
    public ServerCall.Listener<byte[]> startCall(
        ServerCall<byte[], byte[]> inbound, Metadata headers) {
      Metadata forwarded = new Metadata();
      forwarded.put(AccessInterceptor.AUTHORIZATION, authorization.get());
      awaitReconnect(target);
      ClientCall<byte[], byte[]> outbound =
          target.newCall(method, CallOptions.DEFAULT.withDeadline(Context.current().getDeadline()));
      Pair pair = new Pair(inbound, outbound, label);
      outbound.start(pair.fromService(), forwarded);
      outbound.request(1);
      inbound.request(1);
      return pair.fromClient();
    }
  }

  /**
   * A service that was down is tried again now rather than after the channel's backoff, and the
   * call waits a moment for it: the channel fails every call fast until it connects, so the first
   * call after a service restarts would otherwise fail although the service is back.
   */
  private static void awaitReconnect(ManagedChannel target) {
    if (target.getState(true) != ConnectivityState.TRANSIENT_FAILURE) {
      return;
    }
    CountDownLatch changed = new CountDownLatch(1);
    target.notifyWhenStateChanged(ConnectivityState.TRANSIENT_FAILURE, changed::countDown);
    target.resetConnectBackoff();
    try {
      changed.await(RECONNECT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Both halves of one call; every step on either half is taken under the pair's lock. */
  private static final class Pair {
    private final ServerCall<byte[], byte[]> inbound;
    private final ClientCall<byte[], byte[]> outbound;
    private final String label;
    private boolean clientWaiting;
    private boolean serviceWaiting;

    Pair(ServerCall<byte[], byte[]> inbound, ClientCall<byte[], byte[]> outbound, String label) {
      this.inbound = inbound;
      this.outbound = outbound;
      this.label = label;
    }

    ServerCall.Listener<byte[]> fromClient() {
      return new ServerCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          synchronized (Pair.this) {
            outbound.sendMessage(message);
            if (outbound.isReady()) {
              inbound.request(1);
            } else {
              clientWaiting = true;
            }
          }
        }

        @Override
        public void onHalfClose() {
          synchronized (Pair.this) {
            outbound.halfClose();
          }
        }

        @Override
        public void onCancel() {
          synchronized (Pair.this) {
            outbound.cancel("the client cancelled", null);
          }
        }

        @Override
        public void onReady() {
          synchronized (Pair.this) {
            if (serviceWaiting) {
              serviceWaiting = false;
              outbound.request(1);
            }
          }
        }
      };
    }

    ClientCall.Listener<byte[]> fromService() {
      return new ClientCall.Listener<>() {
        @Override
        public void onHeaders(Metadata headers) {
          synchronized (Pair.this) {
            inbound.sendHeaders(headers);
          }
        }

        @Override
        public void onMessage(byte[] message) {
          synchronized (Pair.this) {
            inbound.sendMessage(message);
            if (inbound.isReady()) {
              outbound.request(1);
            } else {
              serviceWaiting = true;
            }
          }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          // Only a failure to reach the service is relabelled: the service's own answer stands.
          Status answer =
              status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null
                  ? Status.UNAVAILABLE
                      .withDescription(
                          label
                              + " is unavailable: "
                              + (status.getDescription() == null
                                  ? status.getCause().toString()
                                  : status.getDescription()))
                      .withCause(status.getCause())
                  : status;
          synchronized (Pair.this) {
            inbound.close(answer, trailers);
          }
        }

        @Override
        public void onReady() {
          synchronized (Pair.this) {
            if (clientWaiting) {
              clientWaiting = false;
              inbound.request(1);
            }
          }
        }
      };
    }
  }
}
