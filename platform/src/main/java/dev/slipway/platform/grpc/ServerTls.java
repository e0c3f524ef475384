package dev.slipway.platform.grpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * TLS for a service's gRPC server, from {@code SLIPWAY_TLS_CERT_FILE} (PEM certificate chain) and
 * {@code SLIPWAY_TLS_KEY_FILE} (PEM PKCS#8 private key); plaintext when neither is set.
 */
public final class ServerTls {
  private ServerTls() {}

  /** The server properties to start with. */
  public static Map<String, Object> properties() {
    return properties(
        System.getenv("SLIPWAY_TLS_CERT_FILE"), System.getenv("SLIPWAY_TLS_KEY_FILE"));
  }

  static Map<String, Object> properties(String certFile, String keyFile) {
    boolean cert = certFile != null && !certFile.isBlank();
    boolean key = keyFile != null && !keyFile.isBlank();
    if (!cert && !key) {
      return Map.of();
    }
    if (!cert || !key) {
      throw new IllegalStateException(
          "TLS needs both SLIPWAY_TLS_CERT_FILE and SLIPWAY_TLS_KEY_FILE");
    }
    for (String file : new String[] {certFile, keyFile}) {
      if (!Files.isReadable(Path.of(file))) {
        throw new IllegalStateException("cannot read the TLS file " + file);
      }
    }
    return Map.of(
        "grpc.server.ssl.cert-chain", "file:" + Path.of(certFile).toAbsolutePath(),
        "grpc.server.ssl.private-key", "file:" + Path.of(keyFile).toAbsolutePath());
  }
}
