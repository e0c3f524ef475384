package dev.slipway.platform.grpc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a keyset page ended, the instant and id of its last row, as the opaque {@code page_token}
 * of the next request; a token that is not one is INVALID_ARGUMENT naming the field.
 */
public record PageToken(Instant at, UUID id) {
  /** Before every row, for pages oldest first. */
  public static final PageToken OLDEST = new PageToken(Instant.EPOCH, new UUID(0, 0));

  /** After every row, for pages newest first. */
  public static final PageToken NEWEST =
      new PageToken(Instant.parse("9999-12-31T00:00:00Z"), new UUID(-1L, -1L));

  /** The largest page any list call answers. */
  public static final int LARGEST_PAGE = 500;

  /** A request's {@code page_size}: 0 is {@code defaultSize}; beyond 1..500 is refused. */
  public static int pageSize(int requested, int defaultSize) {
    if (requested < 0 || requested > LARGEST_PAGE) {
      throw FieldError.of("page_size", "must be between 1 and " + LARGEST_PAGE);
    }
    return requested == 0 ? defaultSize : requested;
  }

  public String encode() {
    String raw = at.getEpochSecond() + ":" + at.getNano() + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The position in {@code token}, or {@code first} when it is empty. */
  public static PageToken decode(String token, PageToken first) {
    if (token.isEmpty()) {
      return first;
    }
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 3);
      return new PageToken(
          Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
          UUID.fromString(parts[2]));
    } catch (RuntimeException e) {
      throw FieldError.of("page_token", "is not a token from a previous response");
    }
  }
}
