package dev.slipway.platform.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the last {@code limit} bytes a program wrote to a stream: enough to say why it failed. */
public final class OutputTail {
  private final byte[] ring;
  private long total;

  public OutputTail(int limit) {
    this.ring = new byte[limit];
  }

  /** Reads {@code stream} to its end. */
  public void drain(InputStream stream) throws IOException {
    byte[] buffer = new byte[8192];
    int read;
    while ((read = stream.read(buffer)) != -1) {
      append(buffer, read);
    }
  }

  private synchronized void append(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      ring[(int) (total++ % ring.length)] = bytes[i];
    }
  }

  /** What was kept, with a leading "…" when earlier output was dropped. */
  public synchronized String text() {
    if (total <= ring.length) {
      return new String(ring, 0, (int) total, StandardCharsets.UTF_8).strip();
    }
    int start = (int) (total % ring.length);
    byte[] ordered = new byte[ring.length];
    System.arraycopy(ring, start, ordered, 0, ring.length - start);
    System.arraycopy(ring, 0, ordered, ring.length - start, start);
    return "…" + new String(ordered, StandardCharsets.UTF_8).strip();
  }
}
