package dev.slipway.platform.auth;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.slipway.platform.auth.AccessRules.Rule;
import dev.slipway.platform.grpc.Caller;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces {@link AccessRules} on every call of the service: deny by default, the bearer token
 * authenticated first (UNAUTHENTICATED), then the method's scope checked (PERMISSION_DENIED naming
 * the missing scope). A scope checked per environment is checked once the request has arrived.
 */
@Singleton
public class AccessInterceptor implements ServerInterceptor, Ordered {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "Bearer ";
  private static final Logger LOG = LoggerFactory.getLogger(AccessInterceptor.class);

  private final Optional<TokenAuthenticator> authenticator;
  private final Optional<DeploymentEnvironments> deployments;
  private final MeterRegistry meters;

  public AccessInterceptor(
      Optional<TokenAuthenticator> authenticator,
      Optional<DeploymentEnvironments> deployments,
      MeterRegistry meters) {
    this.authenticator = authenticator;
    this.deployments = deployments;
    this.meters = meters;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Optional<Rule> rule = AccessRules.of(method);
    if (rule.isPresent() && rule.get().open()) {
      return next.startCall(call, headers);
    }
    Caller caller;
    try {
      caller = authenticate(headers.get(AUTHORIZATION));
    } catch (TokenAuthenticator.Refused e) {
      return refuse(
          call, "unauthenticated", Status.UNAUTHENTICATED.withDescription(e.getMessage()));
    } catch (RuntimeException storeDown) {
      // Slipway's own failure, never the caller's: retryable, and never a refusal of a good token.
      LOG.error("cannot check a token", storeDown);
      return refuse(
          call,
          "token_store_unavailable",
          Status.UNAVAILABLE.withDescription(
              "cannot check the token now (token store unavailable)"));
    }
    if (rule.isEmpty()) {
      return refuse(
          call,
          "no_access_rule",
          Status.PERMISSION_DENIED.withDescription(
              method + " has no access rule: refused to everyone"));
    }
    Rule needed = rule.get();
    if (needed.environment() == AccessRules.Environment.NONE
        && !caller.allows(needed.kind(), null)) {
      return refuse(call, "missing_scope", denied(caller, needed, null));
    }
    ServerCall.Listener<Q> listener =
        Contexts.interceptCall(caller.attachTo(Context.current()), call, headers, next);
    return needed.environment() == AccessRules.Environment.NONE
        ? listener
        : new CheckedOnRequest<>(listener, call, caller, needed);
  }

  private Caller authenticate(String authorization) {
    if (authorization == null
        || !authorization.startsWith(BEARER)
        || authorization.length() == BEARER.length()) {
      throw new TokenAuthenticator.Refused(
          "no bearer token: every call but health checks needs one "
              + "(the CLI reads SLIPWAY_TOKEN or --token-file)");
    }
    return authenticator
        .orElseThrow(
            () -> new TokenAuthenticator.Refused("this service answers no authenticated calls"))
        .authenticate(authorization.substring(BEARER.length()).strip());
  }

  private String environmentOf(Rule rule, Object request) {
    if (!(request instanceof Message message)) {
      return null;
    }
    String field =
        rule.environment() == AccessRules.Environment.FROM_REQUEST
            ? "environment"
            : "deployment_id";
    FieldDescriptor descriptor = message.getDescriptorForType().findFieldByName(field);
    String value = descriptor == null ? "" : String.valueOf(message.getField(descriptor));
    if (rule.environment() == AccessRules.Environment.FROM_REQUEST) {
      return value;
    }
    return deployments.flatMap(d -> d.environmentOf(value)).orElse(null);
  }

  private static Status denied(Caller caller, Rule rule, String environment) {
    String scope =
        !rule.kind().perEnvironment()
            ? rule.kind().text()
            : rule.kind().text()
                + ":"
                + (environment == null || environment.isEmpty() ? "<env>" : environment);
    return Status.PERMISSION_DENIED.withDescription(
        "token '"
            + caller.name()
            + "' lacks the scope "
            + scope
            + (rule.kind() == Scope.Kind.INTERNAL || rule.kind() == Scope.Kind.ADMIN
                ? ""
                : " (or admin)"));
  }

  private <Q, R> ServerCall.Listener<Q> refuse(
      ServerCall<Q, R> call, String reason, Status status) {
    close(call, reason, status);
    return new ServerCall.Listener<>() {};
  }

  /** Refuses the call, counted by reason ({@code slipway_calls_refused_total}). */
  private void close(ServerCall<?, ?> call, String reason, Status status) {
    meters.counter("slipway.calls.refused", "reason", reason).increment();
    call.close(status, new Metadata());
  }

  /** Holds the call until its request names the environment, then lets it through or refuses it. */
  private final class CheckedOnRequest<Q, R> extends SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private final Caller caller;
    private final Rule rule;
    private boolean refused;

    CheckedOnRequest(
        ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, Caller caller, Rule rule) {
      super(delegate);
      this.call = call;
      this.caller = caller;
      this.rule = rule;
    }

    @Override
    public void onMessage(Q request) {
      if (refused) {
        return;
      }
      // A call passed through unread, or a service that cannot look deployments up, cannot tell
      // the environment: refused rather than checked against none.
      if (!(request instanceof Message)
          || (rule.environment() == AccessRules.Environment.FROM_DEPLOYMENT
              && deployments.isEmpty())) {
        refused = true;
        close(
            call,
            "environment_unknown",
            Status.PERMISSION_DENIED.withDescription(
                "cannot tell the environment of this call here, so its scope cannot be checked"));
        return;
      }
      String environment = environmentOf(rule, request);
      if (!caller.allows(rule.kind(), environment)) {
        refused = true;
        close(call, "missing_scope", denied(caller, rule, environment));
        return;
      }
      super.onMessage(request);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }
  }

  @Override
  public int getOrder() {
    // Right inside the tracing interceptor, so that refused calls are traced too.
    return HIGHEST_PRECEDENCE + 1;
  }
}
