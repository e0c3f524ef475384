package dev.slipway.orchestrator.paging;

import dev.slipway.orchestrator.errors.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Function;

/**
 * Where a newest-first page ended: the instant and the tie-breaking key of its last row, as an
 * opaque token for the next request.
 */
public record KeysetCursor(Instant at, String key) {
  /** Later than every row: where the first page starts. */
  public static final Instant NEWEST = Instant.parse("9999-12-31T00:00:00Z");

  public String encode() {
    String raw = at.getEpochSecond() + ":" + at.getNano() + ":" + key;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The cursor in {@code token}, or {@code first} for an empty one; {@code parseKey} must throw
   * IllegalArgumentException for a key that is not one.
   */
  public static <K> Position<K> decode(
      String token, Position<K> first, Function<String, K> parseKey) {
    if (token.isEmpty()) {
      return first;
    }
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 3);
      Instant at = Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
      if (at.isBefore(Instant.EPOCH) || at.isAfter(NEWEST)) {
        throw new IllegalArgumentException("out of range");
      }
      return new Position<>(at, parseKey.apply(parts[2]));
    } catch (IllegalArgumentException
        | ArrayIndexOutOfBoundsException
        | DateTimeException
        | ArithmeticException e) {
      throw new InvalidInput("page_token", "is not a token from a previous response");
    }
  }

  /** A decoded cursor with its key typed. */
  public record Position<K>(Instant at, K key) {}
}
