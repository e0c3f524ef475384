package dev.slipway.platform.auth;

import dev.slipway.platform.grpc.Caller;

/**
 * Turns a bearer secret into the caller it belongs to; only the service that keeps tokens has one.
 */
public interface TokenAuthenticator {
  /** The token's caller; throws {@link Refused} saying why not (unknown, expired, revoked). */
  Caller authenticate(String bearerSecret);

  /** A bearer secret that is not (or no longer) good. */
  final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }
}
