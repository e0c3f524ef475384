package dev.slipway.orchestrator.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MaskingTest {
  @Test
  void everySecretValueIsMaskedWhereverItStandsInALine() {
    Masking masking = new Masking(List.of("hunter2", "s3cr3t-longer"));
    assertThat(masking.apply("password=hunter2 and again hunter2"))
        .isEqualTo("password=**** and again ****");
    assertThat(masking.apply("token s3cr3t-longer.")).isEqualTo("token ****.");
    assertThat(masking.apply("nothing to hide")).isEqualTo("nothing to hide");
  }

  @Test
  void aLongerSecretIsMaskedWholeEvenWhenAShorterOneIsPartOfIt() {
    Masking masking = new Masking(List.of("abc", "xxabcxx"));
    assertThat(masking.apply("[xxabcxx]")).isEqualTo("[****]");
  }

  @Test
  void eachLineOfAMultiLineSecretIsMaskedOnItsOwn() {
    Masking masking =
        new Masking(List.of("-----BEGIN KEY-----\nMIIEvQIBADAN\n-----END KEY-----\n"));
    assertThat(masking.apply("MIIEvQIBADAN")).isEqualTo("****");
    assertThat(masking.apply("-----END KEY-----")).isEqualTo("****");
  }
}
