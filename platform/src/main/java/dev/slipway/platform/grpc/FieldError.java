package dev.slipway.platform.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.UUID;

/** INVALID_ARGUMENT naming the field, with the violation as details the CLI prints. */
public final class FieldError {
  private FieldError() {}

  /** {@code text} as a UUID; INVALID_ARGUMENT naming {@code field} when it is not one. */
  public static UUID uuid(String field, String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw of(field, "is not a UUID");
    }
  }

  public static StatusRuntimeException of(String field, String description) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage(field + " " + description)
            .addDetails(
                Any.pack(
                    BadRequest.newBuilder()
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField(field)
                                .setDescription(description))
                        .build()))
            .build());
  }
}
