package dev.slipway.orchestrator.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.platform.db.DatabaseException;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every REST failure as {@code application/problem+json} (RFC 9457): Slipway's own problems, gRPC
 * failures of the calls behind them, and the HTTP server's own refusals (no route, wrong method,
 * body too large). A 401 names the scheme in {@code WWW-Authenticate}.
 */
public final class Problems {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SNAKE = Pattern.compile("_([a-z0-9])");

  private Problems() {}

  static MutableHttpResponse<String> response(HttpRequest<?> request, ApiProblem problem) {
    MutableHttpResponse<String> response =
        HttpResponse.<String>status(problem.status())
            .contentType(MEDIA_TYPE)
            .body(body(problem.status(), problem.type(), problem.getMessage(), request, problem));
    if (problem.status() == HttpStatus.UNAUTHORIZED) {
      response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"slipway\"");
    }
    return response;
  }

  private static String body(
      HttpStatus status, String type, String detail, HttpRequest<?> request, ApiProblem problem) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", type);
    body.put("title", status.getReason());
    body.put("status", status.getCode());
    body.put("detail", detail == null ? status.getReason() : detail);
    body.put("instance", request.getPath());
    if (problem != null && !problem.errors().isEmpty()) {
      ArrayNode errors = body.putArray("errors");
      problem
          .errors()
          .forEach(
              e ->
                  errors.addObject().put("field", jsonName(e.field())).put("message", e.message()));
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a problem always serializes", e);
    }
  }

  /** A proto field path ({@code health.checks[0].expect_status}) as the JSON names it. */
  static String jsonName(String protoPath) {
    Matcher m = SNAKE.matcher(protoPath);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, m.group(1).toUpperCase(java.util.Locale.ROOT));
    }
    return m.appendTail(out).toString();
  }

  @Singleton
  static final class ProblemHandler implements ExceptionHandler<ApiProblem, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(HttpRequest request, ApiProblem problem) {
      return response(request, problem);
    }
  }

  @Singleton
  static final class GrpcFailureHandler
      implements ExceptionHandler<StatusRuntimeException, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(HttpRequest request, StatusRuntimeException failure) {
      return response(request, ApiProblem.of(failure));
    }
  }

  /** The database failing under a REST-only call (sign-in): 503 when it may pass if retried. */
  @Singleton
  static final class DatabaseFailureHandler
      implements ExceptionHandler<DatabaseException, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(HttpRequest request, DatabaseException failure) {
      return response(
          request,
          failure.isTransient()
              ? new ApiProblem(
                  HttpStatus.SERVICE_UNAVAILABLE,
                  "unavailable",
                  "the orchestrator's database is unavailable; retry shortly")
              : new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", failure.getMessage()));
    }
  }

  /** The HTTP server's own errors (no such route, method not allowed, ...) as problems too. */
  @Singleton
  @Replaces(JsonErrorResponseBodyProvider.class)
  static final class ServerErrors implements JsonErrorResponseBodyProvider<String> {
    @Override
    public String body(ErrorContext context, HttpResponse<?> response) {
      String detail =
          context.getErrors().isEmpty()
              ? response.getStatus().getReason()
              : context.getErrors().get(0).getMessage();
      return Problems.body(
          response.getStatus(),
          ApiProblem.TYPE_BASE + "http-" + response.getStatus().getCode(),
          detail,
          context.getRequest(),
          null);
    }

    @Override
    public String contentType() {
      return MEDIA_TYPE;
    }
  }
}
