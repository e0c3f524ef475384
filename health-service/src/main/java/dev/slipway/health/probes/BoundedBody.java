package dev.slipway.health.probes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reads at most {@code limit} bytes of a response body within a time limit, then stops reading. */
final class BoundedBody {
  private BoundedBody() {}

  /** What was read, and why reading stopped early if it did. */
  record Read(String text, Optional<String> problem) {}

  static Read read(InputStream body, int limit, Duration within) throws InterruptedException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    FutureTask<Boolean> reading =
        new FutureTask<>(
            () -> {
              byte[] buffer = new byte[8192];
              int read;
              while ((read = body.read(buffer, 0, Math.min(buffer.length, limit + 1 - kept.size())))
                  > 0) {
                synchronized (kept) {
                  kept.write(buffer, 0, read);
                }
                if (kept.size() > limit) {
                  return false;
                }
              }
              return true;
            });
    Thread.ofVirtual().start(reading);
    Optional<String> problem;
    try {
      problem =
          reading.get(Math.max(within.toMillis(), 1), TimeUnit.MILLISECONDS)
              ? Optional.empty()
              : Optional.of("body is larger than " + limit + " bytes");
    } catch (TimeoutException e) {
      problem = Optional.of("body not complete within " + within.toMillis() + " ms");
    } catch (ExecutionException e) {
      problem = Optional.of("body cut off: " + e.getCause());
    } finally {
      close(body);
      reading.cancel(true);
    }
    synchronized (kept) {
      byte[] bytes = kept.toByteArray();
      return new Read(
          new String(bytes, 0, Math.min(bytes.length, limit), StandardCharsets.UTF_8), problem);
    }
  }

  private static void close(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // Closing stops the transfer; nothing else depends on it.
    }
  }
}
