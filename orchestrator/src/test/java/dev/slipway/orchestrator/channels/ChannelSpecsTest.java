package dev.slipway.orchestrator.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.InvalidInput.Violation;
import dev.slipway.proto.v1.ChannelSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChannelSpecsTest {
  private static final Set<String> SECRETS = Set.of("hook-url", "smtp-pass", "whsec");

  private static List<Violation> violations(String document) {
    try {
      ChannelSpecs.check(ChannelSpecs.parse(document), SECRETS::contains);
    } catch (InvalidInput e) {
      return e.violations();
    }
    throw new AssertionError("accepted: " + document);
  }

  @Test
  void aWebhookNamingItsSecretsIsAcceptedWithItsDefaults() {
    ChannelSpec spec =
        ChannelSpecs.check(
            ChannelSpecs.parse(
                "name: ops\nurlSecret: hook-url\nsigningSecret: whsec\nretrySchedule: 5s, 5m\n"),
            SECRETS::contains);
    assertThat(spec.getType()).isEqualTo("webhook");
    assertThat(spec.getUrlSecret()).isEqualTo("hook-url");
  }

  @Test
  void aCredentialInlineIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> ChannelSpecs.parse("name: ops\nurl: http://h/x\nsecret: whsec_abc\n"))
        .isInstanceOf(InvalidInput.class)
        .hasMessageContaining("secret: is never given inline")
        .hasMessageNotContaining("whsec_abc");
    assertThat(violations("name: ops\nurlSecret: hunter2\n"))
        .containsExactly(
            new Violation(
                "url_secret", "names a secret that is not set (slipway secret list shows them)"));
  }

  @Test
  void urlsThatMayCarryATokenMustBeSecrets() {
    assertThat(violations("name: t\ntype: slack\nurl: https://hooks.slack.com/services/T/B/x\n"))
        .extracting(Violation::field)
        .containsExactly("url");
    assertThat(violations("name: t\nurl: https://user:pw@h/x\n"))
        .extracting(Violation::description)
        .singleElement()
        .asString()
        .contains("may carry a token");
    assertThat(violations("name: t\nurl: https://h/x?token=1\n")).hasSize(1);
    assertThat(violations("name: t\nurl: ftp://h/x\n"))
        .containsExactly(new Violation("url", "must be an http or https URL"));
  }

  @Test
  void everyMistakeIsNamedByItsField() {
    assertThat(
            violations(
                "name: Ops\ntype: email\nsmtpHost: 'mail host'\nfrom: nobody\nto: []\n"
                    + "username: u\nretrySchedule: 5 s,0m\nurl: http://h/\n"))
        .extracting(Violation::field)
        .containsExactlyInAnyOrder(
            "name", "retry_schedule", "smtp_host", "from", "to", "password_secret", "url");
    assertThat(violations("name: w\nurl: http://h/\nsmtpHost: mail\nplainSmtp: true\n"))
        .extracting(Violation::field)
        .containsExactlyInAnyOrder("smtp_host", "plain_smtp");
  }

  @Test
  void templatesNameEventKindsAndPlaceholdersThatExist() {
    String mail = "name: m\ntype: email\nsmtpHost: mail\nfrom: a@b.c\nto: [d@e.f]\n";
    assertThat(
            violations(
                mail
                    + "templates:\n  shipped: { title: x }\n"
                    + "  succeeded: { title: '${target} ${nope}' }\n"))
        .extracting(Violation::field)
        .containsExactlyInAnyOrder("templates.shipped", "templates.succeeded.title");
    assertThat(violations("name: w\nurl: http://h/\ntemplates: { succeeded: { title: x } }\n"))
        .extracting(Violation::field)
        .containsExactly("templates");
  }
}
