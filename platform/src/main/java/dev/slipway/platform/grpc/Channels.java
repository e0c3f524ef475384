package dev.slipway.platform.grpc;

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

  /** A channel to {@code address}; {@code caFile} null or blank means plaintext. */
  public static ManagedChannel open(String address, String caFile) {
    ChannelCredentials credentials;
    if (caFile == null || caFile.isBlank()) {
      credentials = InsecureChannelCredentials.create();
    } else {
      try {
        credentials =
            TlsChannelCredentials.newBuilder().trustManager(Path.of(caFile).toFile()).build();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the TLS CA file " + caFile + ": " + e.getMessage(), e);
      }
    }
    return Grpc.newChannelBuilder(address, credentials).build();
  }
}
