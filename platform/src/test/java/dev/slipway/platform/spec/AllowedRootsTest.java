package dev.slipway.platform.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AllowedRootsTest {
  @Test
  void pathsAreMatchedComponentByComponent() {
    AllowedRoots roots = AllowedRoots.parse(" /srv/journal , /var/lib/journal ");
    assertThat(roots.allows("/srv/journal")).isTrue();
    assertThat(roots.allows("/srv/journal/instance/db.sqlite")).isTrue();
    assertThat(roots.allows("/var/lib/journal/x")).isTrue();
    assertThat(roots.allows("/srv/journal-evil")).as("a sibling sharing a prefix").isFalse();
    assertThat(roots.allows("/srv/journal/../../etc/shadow")).as("normalised first").isFalse();
    assertThat(roots.allows("/etc/shadow")).isFalse();
    assertThat(roots.allows("srv/journal")).as("relative").isFalse();
    assertThat(roots).hasToString("/srv/journal, /var/lib/journal");
  }

  @Test
  void blankMeansAnywhereButTheRootItself() {
    AllowedRoots anywhere = AllowedRoots.parse("");
    assertThat(anywhere).isEqualTo(AllowedRoots.ANYWHERE);
    assertThat(anywhere.allows("/etc/journal")).isTrue();
    assertThat(anywhere.allows("/")).isFalse();
  }

  @Test
  void aRootMustBeAbsoluteAndNormalised() {
    assertThatThrownBy(() -> AllowedRoots.parse("srv"))
        .hasMessageContaining("'srv' must be an absolute");
    assertThatThrownBy(() -> AllowedRoots.parse("/srv/../etc")).hasMessageContaining("normalised");
  }
}
