package dev.slipway.orchestrator.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
  private static final Map<String, String> VALUES =
      Map.of("version", "1.2.0", "previousVersion", "1.1.0", "app", "journal");

  @Test
  void documentedNamesAreReplacedWhereverTheyStandInTheArgument() {
    assertThat(Placeholders.substitute("--version=${version}", VALUES))
        .isEqualTo("--version=1.2.0");
    assertThat(Placeholders.substitute("${app}-${version}-${app}", VALUES))
        .isEqualTo("journal-1.2.0-journal");
    assertThat(Placeholders.substitute("from ${previousVersion} to ${version}", VALUES))
        .isEqualTo("from 1.1.0 to 1.2.0");
  }

  @Test
  void anythingElseIsLeftAsWrittenAndNothingIsInterpreted() {
    assertThat(Placeholders.substitute("${HOME}/bin", VALUES)).isEqualTo("${HOME}/bin");
    assertThat(Placeholders.substitute("$(rm -rf /); `id`; $version", VALUES))
        .isEqualTo("$(rm -rf /); `id`; $version");
    assertThat(Placeholders.substitute("${}", VALUES)).isEqualTo("${}");
  }

  @Test
  void aValueIsInsertedLiterallyAndNeverSubstitutedAgain() {
    Map<String, String> tricky = Map.of("version", "${app}$1\\0", "app", "journal");
    assertThat(Placeholders.substitute("v=${version}", tricky)).isEqualTo("v=${app}$1\\0");
  }
}
