package dev.slipway.platform.grpc;

import dev.slipway.platform.auth.Scope;
import io.grpc.Context;
import java.util.List;

/**
 * Who makes a gRPC call, as its bearer token says: the token's name is the actor recorded on
 * everything the call does.
 */
public record Caller(String name, List<Scope> scopes) {
  static final Context.Key<Caller> CONTEXT_KEY = Context.key("slipway-caller");
  private static final Caller ANONYMOUS = new Caller("anonymous", List.of());

  public Caller {
    scopes = List.copyOf(scopes);
  }

  /** The caller of the current gRPC call; anonymous on open methods. */
  public static Caller current() {
    Caller caller = CONTEXT_KEY.get();
    return caller == null ? ANONYMOUS : caller;
  }

  /** {@code context} with this caller as the current one. */
  public Context attachTo(Context context) {
    return context.withValue(CONTEXT_KEY, this);
  }

  /**
   * Whether any of the caller's scopes grants {@code kind} in {@code environment} (null: in any).
   */
  public boolean allows(Scope.Kind kind, String environment) {
    return scopes.stream().anyMatch(scope -> scope.grants(kind, environment));
  }
}
