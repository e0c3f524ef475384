package dev.slipway.orchestrator.rest;

import dev.slipway.orchestrator.access.Sessions;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.cookie.Cookie;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Who a REST request acts as: a bearer token, as on gRPC, or a dashboard session's cookie. A change
 * asked from a session must carry the session's CSRF token; a page of another site can make the
 * browser send the cookie (SameSite aside), never read the token.
 */
@Singleton
public class ApiAuth {
  public static final String COOKIE = "slipway_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String BEARER = "Bearer ";
  private final Sessions sessions;

  /** How to call the gRPC API for this request. */
  public record Credentials(String bearer, String traceparent, boolean session) {}

  public ApiAuth(Sessions sessions) {
    this.sessions = sessions;
  }

  public Credentials of(HttpRequest<?> request) {
    String traceparent = request.getHeaders().get("traceparent");
    Optional<String> authorization = request.getHeaders().getAuthorization();
    if (authorization.isPresent()) {
      String value = authorization.get();
      if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())
          || value.substring(BEARER.length()).isBlank()) {
        throw ApiProblem.unauthenticated("the Authorization header must be 'Bearer <token>'");
      }
      String secret = value.substring(BEARER.length()).strip();
      if (Sessions.isSession(secret)) {
        throw ApiProblem.unauthenticated("a session's secret is good only in its cookie");
      }
      return new Credentials(secret, traceparent, false);
    }
    Optional<Cookie> cookie = request.getCookies().findCookie(COOKIE);
    if (cookie.isEmpty()) {
      throw ApiProblem.unauthenticated(
          "no credentials: send 'Authorization: Bearer <token>', or sign in (POST /api/v1/session)");
    }
    String secret = cookie.get().getValue();
    if (!Sessions.isSession(secret)) {
      throw ApiProblem.unauthenticated("the session cookie is not a session's: sign in again");
    }
    if (changes(request.getMethod())
        && !sessions.csrfMatches(secret, request.getHeaders().get(CSRF_HEADER))) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN,
          "csrf",
          "a change asked from a browser session needs the session's CSRF token in the "
              + CSRF_HEADER
              + " header (GET /api/v1/session gives it)");
    }
    return new Credentials(secret, traceparent, true);
  }

  private static boolean changes(HttpMethod method) {
    return method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
  }
}
