package dev.slipway.orchestrator.rest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.ProtocolMessageEnum;
import com.google.protobuf.util.JsonFormat;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.util.Arrays;
import java.util.Locale;

/**
 * Messages as JSON by the protobuf JSON mapping: lowerCamelCase names, enums by name, 64-bit
 * integers and timestamps as strings. Fields at their default are printed too, so a client never
 * has to know proto3's defaults; unknown fields in a request are refused, naming them.
 */
final class ProtoJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().includingDefaultValueFields().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ProtoJson() {}

  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("every Slipway message prints as JSON", e);
    }
  }

  static MutableHttpResponse<String> ok(MessageOrBuilder message) {
    return respond(HttpStatus.OK, message);
  }

  static MutableHttpResponse<String> respond(HttpStatus status, MessageOrBuilder message) {
    return HttpResponse.<String>status(status)
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(print(message));
  }

  /** 201 with the deployment a call started, and where to find it. */
  static MutableHttpResponse<String> started(dev.slipway.proto.v1.Deployment deployment) {
    return respond(HttpStatus.CREATED, deployment)
        .header("Location", "/api/v1/deployments/" + deployment.getId());
  }

  /** {@code builder} with the request body merged in; an empty body leaves it as it is. */
  static <B extends Message.Builder> B merge(String body, B builder) {
    if (body == null || body.isBlank()) {
      return builder;
    }
    try {
      PARSER.merge(body, builder);
      return builder;
    } catch (InvalidProtocolBufferException e) {
      throw ApiProblem.unreadable(e);
    }
  }

  /**
   * The enum value a query parameter names, by its full name or without the type's prefix ({@code
   * SUCCEEDED} for {@code DEPLOYMENT_STATUS_SUCCEEDED}); {@code fallback} when absent.
   */
  static <E extends Enum<E> & ProtocolMessageEnum> E enumValue(
      Class<E> type, String parameter, String text, E fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    String wanted = text.strip().toUpperCase(Locale.ROOT);
    E[] values = type.getEnumConstants();
    String prefix = values[0].name().substring(0, values[0].name().lastIndexOf("UNSPECIFIED"));
    return Arrays.stream(values)
        .filter(v -> !v.name().equals("UNRECOGNIZED") && !v.name().endsWith("_UNSPECIFIED"))
        .filter(v -> v.name().equals(wanted) || v.name().equals(prefix + wanted))
        .findFirst()
        .orElseThrow(
            () ->
                ApiProblem.badRequest(
                    parameter,
                    "'"
                        + text
                        + "' is not one of "
                        + Arrays.stream(values)
                            .map(Enum::name)
                            .filter(n -> !n.equals("UNRECOGNIZED") && !n.endsWith("_UNSPECIFIED"))
                            .map(n -> n.substring(prefix.length()))
                            .toList()));
  }

  static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  static String text(String value) {
    return value == null ? "" : value;
  }
}
