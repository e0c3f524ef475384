package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code slipway channel apply -f / delete}: channels as resources, whose URL and signing secret
 * are secrets of the store, never inline.
 */
class AppliedChannelsTest {

  @Test
  void anAppliedChannelSendsWithTheSecretsItNamesUntilItIsDeleted() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    String name = "applied-" + suffix;
    Path dir = Files.createTempDirectory("applied-channel");
    byte[] key = new byte[24];
    new SecureRandom().nextBytes(key);
    String signing = "whsec_" + Base64.getEncoder().encodeToString(key);
    secret(env, dir, "hook-url-" + suffix, env.webhook.url());
    secret(env, dir, "hook-signing-" + suffix, signing);

    Cli.Run inline =
        apply(
            env,
            dir,
            "name: %s\ntype: webhook\nurl: %s\nsecret: %s\n",
            name,
            env.webhook.url(),
            signing);
    assertThat(inline.exit()).as(inline.all()).isEqualTo(2);
    assertThat(inline.err())
        .contains("secret: is never given inline")
        .contains("signingSecret: NAME")
        .doesNotContain(signing);
    Cli.Run unknown = apply(env, dir, "name: %s\nurlSecret: no-such-%s\n", name, suffix);
    assertThat(unknown.exit()).as(unknown.all()).isEqualTo(2);
    assertThat(unknown.err())
        .contains("url_secret: names a secret that is not set")
        .doesNotContain("no-such-" + suffix);
    Cli.Run slack = apply(env, dir, "name: %s\ntype: slack\nurl: %s\n", name, env.webhook.url());
    assertThat(slack.exit()).as(slack.all()).isEqualTo(2);
    assertThat(slack.err()).contains("url: of a Slack webhook carries its token");
    Path reader = env.token("channel-applier-" + suffix, "read", "deploy:e2e");
    Path file =
        Files.writeString(dir.resolve("reader.yaml"), "name: " + name + "\nurl: http://x\n");
    Cli.Run notAdmin = Cli.as(reader, env.server(), "channel", "apply", "-f", file.toString());
    assertThat(notAdmin.exit()).isEqualTo(12);
    assertThat(notAdmin.err()).contains("lacks the scope admin");

    String spec =
        "name: %s\ntype: webhook\nurlSecret: hook-url-%s\nsigningSecret: hook-signing-%s\n"
            + "retrySchedule: 1s,1s\n";
    Cli.Run applied = apply(env, dir, spec, name, suffix, suffix);
    assertThat(applied.exit()).as(applied.all()).isZero();
    assertThat(applied.out())
        .startsWith("applied channel " + name + " (webhook), revision 1 by admin");
    Cli.Run again = apply(env, dir, spec, name, suffix, suffix);
    assertThat(again.out())
        .startsWith("applied channel " + name + " (webhook), revision 2 by admin");

    String app = "told-" + suffix;
    String id = releaseTelling(env, dir, app, name, "1.0.0");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(env.webhook.received())
                    .as(() -> Cli.run(env.server(), "deliveries", "--deployment", id).out())
                    .filteredOn(hook -> hook.body().contains("\"deploymentId\":\"" + id + "\""))
                    .singleElement()
                    .satisfies(
                        hook -> {
                          assertThat(hook.body()).contains("\"type\":\"deployment.succeeded\"");
                          assertThat(hook.signature())
                              .as("signed with the secret the channel names")
                              .isEqualTo(WebhookReceiver.standardWebhooksSignature(signing, hook));
                        }));

    Cli.Run list = Cli.run(env.server(), "channel", "list");
    assertThat(list.out())
        .contains(name + "  webhook  http://127.0.0.1:")
        .contains("retries 1s,1s  applied revision 2 by admin at ")
        .doesNotContain(signing);

    Cli.Run deleted = Cli.run(env.server(), "channel", "delete", name);
    assertThat(deleted.exit()).as(deleted.all()).isZero();
    assertThat(deleted.out()).startsWith("deleted channel " + name + " (webhook), revision 2");
    assertThat(Cli.run(env.server(), "channel", "delete", name).exit()).isEqualTo(13);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> !Cli.run(env.server(), "channel", "list").out().contains(name + "  "));
    Cli.Run after = env.deployAndWait(app, "1.0.1");
    assertThat(after.exit()).as(after.all()).isZero();
    String afterId = E2eEnvironment.deployment(after.out()).getId();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(Cli.run(env.server(), "deliveries", "--deployment", afterId).out())
                    .contains("succeeded -> " + name + "  FAILED")
                    .contains("channel '" + name + "' is not configured on the notifier-service"));
  }

  @Test
  void anEmailChannelWordsItsMessagesByItsTemplates() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    String name = "worded-" + suffix;
    Path dir = Files.createTempDirectory("worded-channel");
    String email =
        "name: %s\ntype: email\nsmtpHost: 127.0.0.1\nsmtpPort: %d\nplainSmtp: true\n"
            + "from: slipway@example.com\nto: [releases-%s@example.com]\n"
            + "templates:\n  succeeded:\n    title: %s\n    next: %s\n";
    Cli.Run strange =
        apply(env, dir, email, name, env.mail.getSmtp().getPort(), suffix, "'${nope}'", "x");
    assertThat(strange.exit()).as(strange.all()).isEqualTo(2);
    assertThat(strange.err())
        .contains("templates.succeeded.title: ${nope} is not a placeholder; one of: ${target}");
    Cli.Run applied =
        apply(
            env,
            dir,
            email,
            name,
            env.mail.getSmtp().getPort(),
            suffix,
            "'Shipped: ${app} ${version} to ${environment}'",
            "'Tell #releases that ${requestedBy} shipped it'");
    assertThat(applied.exit()).as(applied.all()).isZero();

    String app = "worded-" + suffix;
    String id = releaseTelling(env, dir, app, name, "3.1.0");
    jakarta.mail.internet.MimeMessage mail =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    java.util.Arrays.stream(env.mail.getReceivedMessages())
                        .filter(m -> recipient(m).equals("releases-" + suffix + "@example.com"))
                        .toList(),
                found -> found.size() == 1)
            .getFirst();
    assertThat(mail.getSubject()).isEqualTo("Shipped: " + app + " 3.1.0 to e2e");
    String text =
        (String)
            ((jakarta.mail.internet.MimeMultipart) mail.getContent()).getBodyPart(0).getContent();
    assertThat(text)
        .startsWith("Shipped: " + app + " 3.1.0 to e2e")
        .contains("Next: Tell #releases that admin shipped it")
        .contains("Deployment: " + id);
  }

  /**
   * A target that tells {@code channel} when a release succeeds, and its release of {@code
   * version}.
   */
  private static String releaseTelling(
      E2eEnvironment env, Path dir, String app, String channel, String version) throws Exception {
    env.apply(
        dir,
        app,
        """
        app: %s
        environment: e2e
        deploy: { command: ["true"] }
        notify: [{ channel: %s, on: [succeeded] }]
        """
            .formatted(app, channel));
    Cli.Run release = env.deployAndWait(app, version);
    assertThat(release.exit()).as(release.all()).isZero();
    return E2eEnvironment.deployment(release.out()).getId();
  }

  private static String recipient(jakarta.mail.Message message) {
    try {
      return message.getAllRecipients()[0].toString();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void secret(E2eEnvironment env, Path dir, String name, String value)
      throws Exception {
    Path file = Files.writeString(dir.resolve(name), value);
    Cli.Run set = Cli.run(env.server(), "secret", "set", name, "--file", file.toString());
    assertThat(set.exit()).as(set.all()).isZero();
  }

  private static Cli.Run apply(E2eEnvironment env, Path dir, String yaml, Object... args)
      throws Exception {
    Path file = Files.writeString(dir.resolve("channel.yaml"), yaml.formatted(args));
    return Cli.run(env.server(), "channel", "apply", "-f", file.toString());
  }
}
