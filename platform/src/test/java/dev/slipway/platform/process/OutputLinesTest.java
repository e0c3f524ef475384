package dev.slipway.platform.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputLinesTest {
  private static List<String> lines(String output, int max) throws Exception {
    List<String> lines = new ArrayList<>();
    OutputLines.forward(
        new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)), max, lines::add);
    return lines;
  }

  @Test
  void splitsOnEveryKindOfLineEnd() throws Exception {
    assertThat(lines("one\ntwo\r\nthree\rfour", 100))
        .containsExactly("one", "two", "three", "four");
  }

  @Test
  void keepsEmptyLines() throws Exception {
    assertThat(lines("a\n\nb\n", 100)).containsExactly("a", "", "b");
  }

  @Test
  void cutsALongLineIntoPiecesOfTheCap() throws Exception {
    assertThat(lines("abcdefgh\nij", 3)).containsExactly("abc", "def", "gh", "ij");
  }

  @Test
  void decodesUtf8() throws Exception {
    assertThat(lines("déployé ✓\n", 100)).containsExactly("déployé ✓");
  }
}
