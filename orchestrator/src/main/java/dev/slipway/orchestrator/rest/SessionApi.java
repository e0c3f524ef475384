package dev.slipway.orchestrator.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.orchestrator.access.Sessions;
import dev.slipway.orchestrator.access.Tokens;
import dev.slipway.platform.auth.Scope;
import dev.slipway.platform.auth.TokenAuthenticator;
import dev.slipway.platform.grpc.Caller;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code /api/v1/session}: sign in with a token once, act through an HttpOnly, SameSite=Strict
 * cookie (Secure over TLS), sign out. {@code GET} says who the caller is and gives the session's
 * CSRF token to the pages.
 */
@Controller("/api/v1/session")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "session")
public class SessionApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Sessions sessions;
  private final Tokens tokens;
  private final ApiAuth auth;
  private final Clock clock;

  public SessionApi(Sessions sessions, Tokens tokens, ApiAuth auth, Clock clock) {
    this.sessions = sessions;
    this.tokens = tokens;
    this.auth = auth;
    this.clock = clock;
  }

  @Post
  @Operation(summary = "Sign in with a token: opens a browser session (cookie)")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.SIGN_IN)))
  @ApiResponse(responseCode = "201", content = @Content(schema = @Schema(ref = ApiSchemas.SESSION)))
  public HttpResponse<String> signIn(HttpRequest<?> request, @Nullable @Body String body) {
    String token = tokenIn(body);
    Sessions.Opened opened;
    try {
      opened = sessions.open(token);
    } catch (TokenAuthenticator.Refused e) {
      throw ApiProblem.unauthenticated(e.getMessage());
    }
    Cookie cookie =
        Cookie.of(ApiAuth.COOKIE, opened.secret())
            .path("/")
            .httpOnly(true)
            .sameSite(SameSite.Strict)
            .secure(request.isSecure())
            .maxAge(Duration.between(clock.instant(), opened.expiresAt()));
    return describe(HttpStatus.CREATED, opened.caller(), opened.csrfToken(), opened.expiresAt())
        .cookie(cookie);
  }

  @Get
  @Operation(summary = "Who the caller is, and a session's CSRF token")
  @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(ref = ApiSchemas.SESSION)))
  public HttpResponse<String> whoAmI(HttpRequest<?> request) {
    ApiAuth.Credentials credentials = auth.of(request);
    try {
      if (credentials.session()) {
        Caller caller = sessions.authenticate(credentials.bearer());
        return describe(HttpStatus.OK, caller, sessions.csrfToken(credentials.bearer()), null);
      }
      return describe(HttpStatus.OK, tokens.authenticate(credentials.bearer()), null, null);
    } catch (TokenAuthenticator.Refused e) {
      throw ApiProblem.unauthenticated(e.getMessage());
    }
  }

  @Delete
  @Operation(summary = "Sign out: the session ends and its cookie is cleared")
  @ApiResponse(responseCode = "204", description = "Signed out")
  public HttpResponse<Void> signOut(HttpRequest<?> request) {
    ApiAuth.Credentials credentials = auth.of(request);
    if (!credentials.session()) {
      throw ApiProblem.badRequest("session", "there is no session to end: this call used a token");
    }
    sessions.close(credentials.bearer());
    return HttpResponse.<Void>noContent()
        .cookie(
            Cookie.of(ApiAuth.COOKIE, "")
                .path("/")
                .httpOnly(true)
                .sameSite(SameSite.Strict)
                .secure(request.isSecure())
                .maxAge(0));
  }

  private static String tokenIn(String body) {
    if (body == null || body.isBlank()) {
      throw ApiProblem.badRequest("token", "is required: {\"token\": \"slw_...\"}");
    }
    JsonNode token;
    try {
      token = JSON.readTree(body).path("token");
    } catch (IOException e) {
      throw ApiProblem.badRequest("body", "is not JSON: " + e.getMessage());
    }
    if (!token.isTextual() || token.asText().isBlank()) {
      throw ApiProblem.badRequest("token", "is required: {\"token\": \"slw_...\"}");
    }
    return token.asText().strip();
  }

  private static MutableHttpResponse<String> describe(
      HttpStatus status, Caller caller, String csrfToken, Instant expiresAt) {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", caller.name());
    caller.scopes().stream().map(Scope::toString).forEach(body.putArray("scopes")::add);
    if (csrfToken != null) {
      body.put("csrfToken", csrfToken);
    }
    if (expiresAt != null) {
      body.put("expiresAt", expiresAt.toString());
    }
    return HttpResponse.<String>status(status)
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(body.toString());
  }
}
