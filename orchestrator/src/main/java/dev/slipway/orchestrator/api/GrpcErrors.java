package dev.slipway.orchestrator.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.errors.Refused;
import dev.slipway.platform.db.DatabaseException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become gRPC statuses; bad input carries its field violations. */
final class GrpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  /**
   * Answers a unary call with what {@code call} returns, or with the status its failure maps to.
   */
  static <T> void respond(StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      response.onError(toStatus(e));
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }

  static StatusRuntimeException toStatus(RuntimeException failure) {
    return switch (failure) {
      case StatusRuntimeException already -> already;
      case InvalidInput invalid -> {
        BadRequest.Builder details = BadRequest.newBuilder();
        invalid
            .violations()
            .forEach(
                v ->
                    details.addFieldViolations(
                        BadRequest.FieldViolation.newBuilder()
                            .setField(v.field())
                            .setDescription(v.description())));
        yield StatusProto.toStatusRuntimeException(
            com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT_VALUE)
                .setMessage(invalid.getMessage())
                .addDetails(Any.pack(details.build()))
                .build());
      }
      case NotFound notFound ->
          io.grpc.Status.NOT_FOUND.withDescription(notFound.getMessage()).asRuntimeException();
      case Refused refused ->
          io.grpc.Status.FAILED_PRECONDITION
              .withDescription(refused.getMessage())
              .asRuntimeException();
      default -> fromDatabaseOrInternal(failure);
    };
  }

  /**
   * A database failure, however a repository wrapped it: a transient one is UNAVAILABLE (try
   * again), any other INTERNAL; neither shows the SQL.
   */
  private static StatusRuntimeException fromDatabaseOrInternal(RuntimeException failure) {
    DatabaseException db = DatabaseException.behind(failure).orElse(null);
    if (db == null) {
      LOG.error("internal error", failure);
      return io.grpc.Status.INTERNAL
          .withDescription("internal error: " + failure)
          .asRuntimeException();
    }
    LOG.error("database failure (SQLSTATE {})", db.sqlState(), failure);
    return db.isTransient()
        ? io.grpc.Status.UNAVAILABLE
            .withDescription("orchestrator database unavailable")
            .asRuntimeException()
        : io.grpc.Status.INTERNAL
            .withDescription("orchestrator database error (SQLSTATE " + db.sqlState() + ")")
            .asRuntimeException();
  }
}
