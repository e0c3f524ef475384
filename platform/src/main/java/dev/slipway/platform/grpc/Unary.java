package dev.slipway.platform.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Answers a unary call with what the call returns, or with the status it failed with. */
public final class Unary {
  private Unary() {}

  public static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
