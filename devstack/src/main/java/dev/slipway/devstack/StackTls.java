package dev.slipway.devstack;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * TLS for every service of a stack: each serves with {@code certificate} and {@code privateKey}
 * (PEM), and each client, the stack's own included, trusts {@code authority}.
 */
public record StackTls(Path certificate, Path privateKey, Path authority) {
  /** The environment a service needs to serve TLS and to trust its peers. */
  Map<String, String> environment() {
    return Map.of(
        "SLIPWAY_TLS_CERT_FILE", certificate.toString(),
        "SLIPWAY_TLS_KEY_FILE", privateKey.toString(),
        "SLIPWAY_TLS_CA_FILE", authority.toString());
  }

  /**
   * What a client of the stack connects with: trusting {@code tls}'s authority, or plaintext when
   * null.
   */
  static ChannelCredentials clientCredentials(StackTls tls) throws IOException {
    return tls == null
        ? InsecureChannelCredentials.create()
        : TlsChannelCredentials.newBuilder().trustManager(tls.authority().toFile()).build();
  }
}
