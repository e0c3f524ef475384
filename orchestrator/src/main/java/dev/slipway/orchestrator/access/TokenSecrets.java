package dev.slipway.orchestrator.access;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The shape of a bearer secret: {@code slw_<32 base62 characters>_<crc32 in 6 base62>}, about 190
 * random bits behind a prefix and a checksum, so that secret scanners spot a leaked token and a
 * mistyped one is refused without a database read.
 */
public final class TokenSecrets {
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final Pattern SHAPE = Pattern.compile("slw_([0-9A-Za-z]{32})_([0-9A-Za-z]{6})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenSecrets() {}

  public static String generate() {
    StringBuilder body = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      body.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return "slw_" + body + "_" + checksum(body.toString());
  }

  /** False for a secret that has Slipway's prefix but a wrong shape or checksum. */
  public static boolean plausible(String secret) {
    if (!secret.startsWith("slw_")) {
      return true;
    }
    Matcher parts = SHAPE.matcher(secret);
    return parts.matches() && checksum(parts.group(1)).equals(parts.group(2));
  }

  private static String checksum(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    long value = crc.getValue();
    char[] out = new char[6];
    for (int i = 5; i >= 0; i--) {
      out[i] = ALPHABET.charAt((int) (value % ALPHABET.length()));
      value /= ALPHABET.length();
    }
    return new String(out);
  }
}
