package dev.slipway.platform.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a program's output into lines of at most {@code maxChars} characters: a longer line, or
 * output that never ends a line, comes out in pieces, so memory stays bounded whatever it prints.
 */
public final class OutputLines {
  private OutputLines() {}

  /**
   * Reads {@code output} to its end, handing each line (without its terminator) to {@code lines}.
   */
  public static void forward(InputStream output, int maxChars, Consumer<String> lines)
      throws IOException {
    Reader reader = new InputStreamReader(output, StandardCharsets.UTF_8);
    char[] buffer = new char[8192];
    StringBuilder line = new StringBuilder();
    boolean afterCarriageReturn = false;
    int read;
    while ((read = reader.read(buffer)) != -1) {
      for (int i = 0; i < read; i++) {
        char c = buffer[i];
        if (c == '\n' && afterCarriageReturn) {
          afterCarriageReturn = false;
          continue;
        }
        afterCarriageReturn = c == '\r';
        if (c == '\n' || c == '\r') {
          lines.accept(line.toString());
          line.setLength(0);
        } else {
          line.append(c);
          if (line.length() >= maxChars) {
            lines.accept(line.toString());
            line.setLength(0);
          }
        }
      }
    }
    if (!line.isEmpty()) {
      lines.accept(line.toString());
    }
  }
}
