package dev.slipway.platform.grpc;

import dev.slipway.platform.tracing.TraceparentForwarder;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Client channels to a Slipway service: TLS trusting the configured CA file, else plaintext. */
public final class Channels {
  private Channels() {}

  /**
   * A channel to {@code address} that carries the caller's trace; {@code caFile} null or blank
   * means plaintext.
   */
  public static ManagedChannel open(String address, String caFile) {
    boolean tls = caFile != null && !caFile.isBlank();
    return Grpc.newChannelBuilder(address, credentials(tls, tls ? caFile : ""))
        .intercept(new TraceparentForwarder())
        .build();
  }

  /**
   * Plaintext, or TLS trusting {@code caFile} (blank: the JVM's trust store); throws
   * UncheckedIOException naming a CA file that cannot be read.
   */
  public static ChannelCredentials credentials(boolean tls, String caFile) {
    if (!tls) {
      return InsecureChannelCredentials.create();
    }
    if (caFile.isBlank()) {
      return TlsChannelCredentials.create();
    }
    try {
      return TlsChannelCredentials.newBuilder().trustManager(Path.of(caFile).toFile()).build();
    } catch (IOException | IllegalArgumentException e) {
      throw new UncheckedIOException(
          "cannot read the TLS CA file " + caFile + ": " + e.getMessage(),
          e instanceof IOException io ? io : new IOException(e));
    }
  }
}
