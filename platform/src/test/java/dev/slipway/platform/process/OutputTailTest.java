package dev.slipway.platform.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputTailTest {
  @Test
  void keepsAllOfShortOutput() throws Exception {
    OutputTail tail = new OutputTail(100);
    tail.drain(new ByteArrayInputStream("error: disk full\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(tail.text()).isEqualTo("error: disk full");
  }

  @Test
  void keepsOnlyTheEndOfLongOutput() throws Exception {
    OutputTail tail = new OutputTail(10);
    tail.drain(new ByteArrayInputStream("0123456789abcdefghij".getBytes(StandardCharsets.UTF_8)));
    assertThat(tail.text()).isEqualTo("…abcdefghij");
  }
}
