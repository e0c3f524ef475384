package dev.slipway.orchestrator.rest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import dev.slipway.orchestrator.errors.InvalidInput;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.micronaut.http.HttpStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * A failure as the REST API reports it: an RFC 9457 problem with its status, a title, what went
 * wrong, and for bad input every offending field. gRPC statuses map to HTTP ones here only.
 */
public final class ApiProblem extends RuntimeException {
  public static final String TYPE_BASE = "https://slipway.dev/problems/";
  private final HttpStatus status;
  private final String type;
  private final List<FieldError> errors;

  /** One offending field of a request, named as the request names it. */
  public record FieldError(String field, String message) {}

  public ApiProblem(HttpStatus status, String type, String detail, List<FieldError> errors) {
    super(detail);
    this.status = status;
    this.type = type;
    this.errors = List.copyOf(errors);
  }

  public ApiProblem(HttpStatus status, String type, String detail) {
    this(status, type, detail, List.of());
  }

  public static ApiProblem badRequest(String field, String message) {
    return new ApiProblem(
        HttpStatus.BAD_REQUEST,
        "invalid-request",
        field + ": " + message,
        List.of(new FieldError(field, message)));
  }

  /** Bad input found before any call: every offending field. */
  public static ApiProblem invalid(InvalidInput invalid) {
    return new ApiProblem(
        HttpStatus.BAD_REQUEST,
        "invalid-request",
        invalid.getMessage(),
        invalid.violations().stream()
            .map(v -> new FieldError(v.field(), v.description()))
            .toList());
  }

  public static ApiProblem unauthenticated(String detail) {
    return new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthenticated", detail);
  }

  /** A body that is not JSON of the request's message, or names a field it does not have. */
  public static ApiProblem unreadable(InvalidProtocolBufferException e) {
    return badRequest("body", e.getMessage());
  }

  /** What a gRPC failure of the call behind a REST request means to the REST caller. */
  public static ApiProblem of(StatusRuntimeException failure) {
    String detail = failure.getStatus().getDescription();
    detail = detail == null ? failure.getStatus().getCode().toString() : detail;
    return switch (failure.getStatus().getCode()) {
      case INVALID_ARGUMENT, OUT_OF_RANGE ->
          new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", detail, fieldsOf(failure));
      case UNAUTHENTICATED -> unauthenticated(detail);
      case PERMISSION_DENIED -> new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", detail);
      case NOT_FOUND -> new ApiProblem(HttpStatus.NOT_FOUND, "not-found", detail);
      case ALREADY_EXISTS, ABORTED -> new ApiProblem(HttpStatus.CONFLICT, "conflict", detail);
      case FAILED_PRECONDITION -> new ApiProblem(HttpStatus.CONFLICT, "refused", detail);
      case RESOURCE_EXHAUSTED ->
          new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "resource-exhausted", detail);
      case UNAVAILABLE, CANCELLED ->
          new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", detail);
      case DEADLINE_EXCEEDED ->
          new ApiProblem(HttpStatus.GATEWAY_TIMEOUT, "deadline-exceeded", detail);
      case UNIMPLEMENTED -> new ApiProblem(HttpStatus.NOT_IMPLEMENTED, "unimplemented", detail);
      default -> new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", detail);
    };
  }

  private static List<FieldError> fieldsOf(StatusRuntimeException failure) {
    List<FieldError> fields = new ArrayList<>();
    com.google.rpc.Status status = StatusProto.fromThrowable(failure);
    if (status == null) {
      return fields;
    }
    for (com.google.protobuf.Any detail : status.getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        try {
          detail
              .unpack(BadRequest.class)
              .getFieldViolationsList()
              .forEach(v -> fields.add(new FieldError(v.getField(), v.getDescription())));
        } catch (InvalidProtocolBufferException e) {
          // A detail that does not decode adds nothing; the message still says what was wrong.
        }
      }
    }
    return fields;
  }

  public HttpStatus status() {
    return status;
  }

  public String type() {
    return TYPE_BASE + type;
  }

  public List<FieldError> errors() {
    return errors;
  }
}
