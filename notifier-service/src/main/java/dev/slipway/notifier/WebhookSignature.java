package dev.slipway.notifier;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">} keyed by the channel secret ({@code whsec_<base64>}, or raw text). A
 * channel rotating its secret lists the new and the old one, space-separated, and each signs: the
 * header carries every signature, space-separated, so the receiver accepts whichever secret it
 * holds.
 */
public final class WebhookSignature {
  private WebhookSignature() {}

  /** The header value: one {@code v1,} signature per secret in {@code secrets}. */
  public static String sign(String secrets, String id, long timestampSeconds, String body) {
    String[] listed = secrets.strip().split("\\s+");
    // A raw secret may hold spaces: only whsec_ secrets are read as a list.
    if (!Arrays.stream(listed).allMatch(secret -> secret.startsWith("whsec_"))) {
      return signOne(secrets, id, timestampSeconds, body);
    }
    return Arrays.stream(listed)
        .map(secret -> signOne(secret, id, timestampSeconds, body))
        .collect(Collectors.joining(" "));
  }

  private static String signOne(String secret, String id, long timestampSeconds, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
      byte[] signed =
          mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(signed);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  static byte[] key(String secret) {
    return secret.startsWith("whsec_")
        ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
        : secret.getBytes(StandardCharsets.UTF_8);
  }
}
