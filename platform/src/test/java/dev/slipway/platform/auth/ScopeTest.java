package dev.slipway.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.platform.auth.Scope.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScopeTest {

  @ParameterizedTest(name = "{0} grants {1} in {2}: {3}")
  @CsvSource({
    "read,               READ,            '',           true",
    "read,               DEPLOY,          staging,      false",
    "deploy:staging,     DEPLOY,          staging,      true",
    "deploy:staging,     DEPLOY,          production,   false",
    "deploy:staging,     ROLLBACK,        staging,      false",
    "deploy:prod-*,      DEPLOY,          prod-eu,      true",
    "deploy:prod-*,      DEPLOY,          prod,         false",
    "deploy:prod-*,      DEPLOY,          preprod-eu,   false",
    "deploy:*,           DEPLOY,          anything,     true",
    "deploy:*-eu,        DEPLOY,          prod-eu,      true",
    "deploy:*-eu,        DEPLOY,          prod-us,      false",
    "cancel:qa,          CANCEL,          qa,           true",
    "freeze:override:qa, FREEZE_OVERRIDE, qa,           true",
    "freeze:override:qa, DEPLOY,          qa,           false",
    "admin,              DEPLOY,          production,   true",
    "admin,              READ,            '',           true",
    "admin,              INTERNAL,        '',           false",
    "internal,           INTERNAL,        '',           true",
    "internal,           READ,            '',           false",
    "internal,           ADMIN,           '',           false",
  })
  void grants(String scope, Kind needed, String environment, boolean granted) {
    assertThat(Scope.parse(scope).grants(needed, needed.perEnvironment() ? environment : null))
        .isEqualTo(granted);
  }

  @Test
  void aScopeWithoutItsEnvironmentGrantsNoEnvironmentInParticularButCountsForAnUnknownOne() {
    assertThat(Scope.parse("cancel:staging").grants(Kind.CANCEL, null)).isTrue();
    assertThat(Scope.parse("deploy:staging").grants(Kind.CANCEL, null)).isFalse();
  }

  @Test
  void badScopesAreRefusedSayingWhatIsAllowed() {
    assertThatThrownBy(() -> Scope.parse("deploy")).hasMessageContaining("needs an environment");
    assertThatThrownBy(() -> Scope.parse("read:staging")).hasMessageContaining("is not a scope");
    assertThatThrownBy(() -> Scope.parse("superuser")).hasMessageContaining("deploy:<env>");
    assertThatThrownBy(() -> Scope.parse("deploy:../etc"))
        .hasMessageContaining("not an environment or glob");
    assertThatThrownBy(() -> Scope.parse("deploy:$(id)"))
        .hasMessageContaining("not an environment or glob");
  }

  @Test
  void everyRuleNamesAKindExceptTheOpenProbes() {
    AccessRules.all()
        .forEach(
            (method, rule) -> {
              if (rule.open()) {
                assertThat(method).matches("grpc\\.(health|reflection)\\..*");
              }
              if (rule.environment() != AccessRules.Environment.NONE) {
                assertThat(rule.kind().perEnvironment()).as(method).isTrue();
              }
            });
  }
}
