package dev.slipway.notifier;

import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.platform.grpc.FieldError;
import dev.slipway.platform.grpc.PageToken;
import dev.slipway.platform.grpc.ProtoTime;
import dev.slipway.platform.grpc.Unary;
import dev.slipway.proto.v1.Delivery;
import dev.slipway.proto.v1.DeliveryAttempt;
import dev.slipway.proto.v1.ListChannelsRequest;
import dev.slipway.proto.v1.ListChannelsResponse;
import dev.slipway.proto.v1.ListDeliveriesRequest;
import dev.slipway.proto.v1.ListDeliveriesResponse;
import dev.slipway.proto.v1.NotificationChannel;
import dev.slipway.proto.v1.NotificationServiceGrpc;
import dev.slipway.proto.v1.RetryDeliveryRequest;
import dev.slipway.proto.v1.TestChannelRequest;
import dev.slipway.proto.v1.TestChannelResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** gRPC {@code slipway.v1.NotificationService}: every delivery with its attempts, and retries. */
@Singleton
public class DeliveryEndpoint extends NotificationServiceGrpc.NotificationServiceImplBase {
  private static final int DEFAULT_PAGE = 100;
  private static final String STATUS_PREFIX = "DELIVERY_STATUS_";
  private final Transactions transactions;
  private final DeliveryRepository deliveries;
  private final Dispatcher dispatcher;
  private final Clock clock;
  private final ChannelDirectory channels;

  public DeliveryEndpoint(
      Transactions transactions,
      DeliveryRepository deliveries,
      Dispatcher dispatcher,
      Clock clock,
      ChannelDirectory channels) {
    this.channels = channels;
    this.transactions = transactions;
    this.deliveries = deliveries;
    this.dispatcher = dispatcher;
    this.clock = clock;
  }

  @Override
  public void listDeliveries(
      ListDeliveriesRequest request, StreamObserver<ListDeliveriesResponse> response) {
    Unary.answer(
        response,
        () -> {
          UUID deployment =
              request.getDeploymentId().isEmpty()
                  ? null
                  : FieldError.uuid("deployment_id", request.getDeploymentId());
          String status =
              request.getStatus() == dev.slipway.proto.v1.DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED
                  ? ""
                  : request.getStatus().name().substring(STATUS_PREFIX.length());
          if (deployment == null && status.isEmpty()) {
            throw FieldError.of(
                "deployment_id", "is required unless a status is given (every DEAD delivery)");
          }
          int size = PageToken.pageSize(request.getPageSize(), DEFAULT_PAGE);
          PageToken after = PageToken.decode(request.getPageToken(), PageToken.OLDEST);
          ListDeliveriesResponse.Builder page = ListDeliveriesResponse.newBuilder();
          transactions.read(
              c -> {
                List<DeliveryRow> rows =
                    deliveries.page(deployment, status, after.at(), after.id(), size + 1);
                List<DeliveryRow> shown = rows.stream().limit(size).toList();
                Map<UUID, List<DeliveryRepository.Attempt>> attempts =
                    shown.isEmpty()
                        ? Map.of()
                        : deliveries.attempts(shown.stream().map(DeliveryRow::id).toList()).stream()
                            .collect(Collectors.groupingBy(DeliveryRepository.Attempt::deliveryId));
                shown.forEach(
                    row ->
                        page.addDeliveries(
                            delivery(row, attempts.getOrDefault(row.id(), List.of()))));
                if (rows.size() > size) {
                  DeliveryRow last = rows.get(size - 1);
                  page.setNextPageToken(new PageToken(last.createdAt(), last.id()).encode());
                }
                return page.setDead(deliveries.dead(deployment));
              });
          return page.build();
        });
  }

  @Override
  public void retryDelivery(RetryDeliveryRequest request, StreamObserver<Delivery> response) {
    Unary.answer(
        response,
        () -> {
          UUID id = FieldError.uuid("delivery_id", request.getDeliveryId());
          DeliveryRow row =
              transactions.inTransaction(
                  c -> {
                    DeliveryRow found =
                        deliveries
                            .findById(id)
                            .orElseThrow(
                                () ->
                                    Status.NOT_FOUND
                                        .withDescription("no delivery " + id)
                                        .asRuntimeException());
                    if (deliveries.retry(id, clock.instant()) == 0) {
                      throw Status.FAILED_PRECONDITION
                          .withDescription(
                              "delivery "
                                  + id
                                  + " is "
                                  + found.status()
                                  + ": only a DEAD or FAILED delivery is retried")
                          .asRuntimeException();
                    }
                    return deliveries.findById(id).orElseThrow();
                  });
          dispatcher.wake();
          return delivery(row, transactions.read(c -> deliveries.attempts(List.of(id))));
        });
  }

  @Override
  public void listChannels(
      ListChannelsRequest request, StreamObserver<ListChannelsResponse> response) {
    Unary.answer(
        response,
        () -> {
          ListChannelsResponse.Builder list = ListChannelsResponse.newBuilder();
          for (Channel c : channels.all()) {
            list.addChannels(listed(c, c.getSource()));
          }
          for (Channel c : channels.shadowed()) {
            list.addChannels(listed(c, c.getSource() + ", shadowed by configuration"));
          }
          return list.build();
        });
  }

  @Override
  public void testChannel(
      TestChannelRequest request, StreamObserver<TestChannelResponse> response) {
    Unary.answer(
        response,
        () -> {
          Channel channel =
              channels
                  .get(request.getName())
                  .orElseThrow(
                      () ->
                          Status.NOT_FOUND
                              .withDescription(
                                  "no channel '"
                                      + request.getName()
                                      + "' on this notifier-service (slipway channel list)")
                              .asRuntimeException());
          if (!channel.getProblem().isEmpty()) {
            throw Status.FAILED_PRECONDITION
                .withDescription(
                    "channel '" + channel.getName() + "' cannot be used: " + channel.getProblem())
                .asRuntimeException();
          }
          try {
            Dispatcher.TestResult result = dispatcher.test(channel, Caller.current().name());
            return TestChannelResponse.newBuilder()
                .setDelivered(result.delivered())
                .setDetail(result.detail())
                .setLatencyMs(result.latencyMs())
                .build();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED
                .withDescription("the notifier-service is stopping")
                .asRuntimeException();
          }
        });
  }

  /** Where a channel sends, without what would let anyone else send there. */
  private NotificationChannel listed(Channel c, String source) {
    return NotificationChannel.newBuilder()
        .setName(c.getName())
        .setType(c.getType())
        .setEndpoint(c.getProblem().isEmpty() ? endpoint(c) : "")
        .setRetrySchedule(
            c.getRetrySchedule().isEmpty() ? "5s,5m,30m,2h,5h,10h,10h" : c.getRetrySchedule())
        .setMaxConcurrent(c.slack() ? 1 : c.getMaxConcurrent())
        .setDisabled(c.email() ? "" : dispatcher.disabled(c).orElse(""))
        .setSource(source)
        .setProblem(c.getProblem())
        .build();
  }

  private static String endpoint(Channel channel) {
    if (channel.email()) {
      return channel.getSmtpHost() + ":" + channel.getSmtpPort() + " -> " + channel.getTo();
    }
    try {
      java.net.URI url = java.net.URI.create(channel.getUrl());
      // Host and port only: user:password@ in the authority, or a Slack path, is a credential.
      return url.getScheme()
          + "://"
          + url.getHost()
          + (url.getPort() == -1 ? "" : ":" + url.getPort())
          + "/…";
    } catch (IllegalArgumentException e) {
      return "(not a URL)";
    }
  }

  private static Delivery delivery(DeliveryRow row, List<DeliveryRepository.Attempt> attempts) {
    Delivery.Builder delivery =
        Delivery.newBuilder()
            .setId(row.id().toString())
            .setDeploymentId(row.deploymentId().toString())
            .setEventId(row.eventId().toString())
            .setEventType(row.eventType())
            .setChannel(row.channel())
            .setStatus(
                dev.slipway.proto.v1.DeliveryStatus.valueOf(STATUS_PREFIX + row.status().name()))
            .setAttemptCount(row.attempts())
            .setLastError(row.lastError())
            .setCreatedAt(ProtoTime.of(row.createdAt()));
    if (row.deliveredAt() != null) {
      delivery.setDeliveredAt(ProtoTime.of(row.deliveredAt()));
    }
    if (row.status() == DeliveryStatus.PENDING) {
      delivery.setNextAttemptAt(ProtoTime.of(row.nextAttemptAt()));
    }
    for (DeliveryRepository.Attempt a : attempts) {
      delivery.addAttempts(
          DeliveryAttempt.newBuilder()
              .setAttempt(a.attempt())
              .setAt(ProtoTime.of(a.at()))
              .setHttpStatus(a.httpStatus() == null ? 0 : a.httpStatus())
              .setSucceeded(a.succeeded())
              .setDetail(a.detail())
              .setLatencyMs(a.latencyMs()));
    }
    return delivery.build();
  }
}
