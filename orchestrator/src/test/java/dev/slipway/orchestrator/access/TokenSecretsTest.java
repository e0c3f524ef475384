package dev.slipway.orchestrator.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenSecretsTest {
  @Test
  void generatedSecretsHaveThePrefixAndAMatchingChecksumAndNeverRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      String secret = TokenSecrets.generate();
      assertThat(secret).matches("slw_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}");
      assertThat(TokenSecrets.plausible(secret)).isTrue();
      assertThat(seen.add(secret)).isTrue();
    }
  }

  @Test
  void aMistypedSecretFailsItsChecksum() {
    String secret = TokenSecrets.generate();
    char flipped = secret.charAt(10) == 'a' ? 'b' : 'a';
    assertThat(TokenSecrets.plausible(secret.substring(0, 10) + flipped + secret.substring(11)))
        .isFalse();
    assertThat(TokenSecrets.plausible(secret.substring(0, secret.length() - 1))).isFalse();
    assertThat(TokenSecrets.plausible("slw_short")).isFalse();
  }

  @Test
  void aBootstrapSecretWithoutThePrefixIsLeftToTheLookup() {
    assertThat(TokenSecrets.plausible("an-operator-chosen-bootstrap-value-of-40-chars")).isTrue();
  }
}
