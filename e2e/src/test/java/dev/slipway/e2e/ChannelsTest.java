package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code slipway channel list / test}: what the notifier sends to, never its secrets. */
class ChannelsTest {

  @Test
  void channelsAreListedWithoutSecretsAndATestMessageSaysHowItWent() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    Cli.Run list = Cli.run(env.server(), "channel", "list");
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(list.out())
        .contains("ops  webhook  http://127.0.0.1:")
        .contains("slack  slack  http://127.0.0.1:")
        .contains("mail  email  127.0.0.1:" + env.mail.getSmtp().getPort() + " -> ops@example.com")
        .doesNotContain(env.webhookSecret)
        .as("a Slack webhook's path is its credential")
        .doesNotContain("/services/T000");

    Cli.Run mail = Cli.run(env.server(), "channel", "test", "mail");
    assertThat(mail.exit()).as(mail.all()).isZero();
    assertThat(mail.out()).startsWith("delivered: SMTP accepted it for ops@example.com");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Arrays.stream(env.mail.getReceivedMessages())
                    .anyMatch(
                        m -> {
                          try {
                            return m.getSubject().equals("Slipway test message to channel mail");
                          } catch (jakarta.mail.MessagingException e) {
                            throw new IllegalStateException(e);
                          }
                        }));

    env.webhook.flakyUp(false);
    Cli.Run down = Cli.run(env.server(), "channel", "test", "flaky");
    assertThat(down.exit()).isEqualTo(1);
    assertThat(down.out()).startsWith("NOT delivered: HTTP 503");
    env.webhook.flakyUp(true);
    Cli.Run up = Cli.run(env.server(), "channel", "test", "flaky");
    assertThat(up.exit()).as(up.all()).isZero();
    assertThat(env.webhook.flakyReceived())
        .anySatisfy(
            hook -> {
              assertThat(hook.body())
                  .contains("\"type\":\"slipway.test\"")
                  .contains("\"by\":\"admin\"");
              assertThat(hook.signature())
                  .isEqualTo(WebhookReceiver.standardWebhooksSignature(env.webhookSecret, hook));
            });

    assertThat(Cli.run(env.server(), "channel", "test", "nope").exit()).isEqualTo(13);
    Path reader =
        env.token("channel-reader-" + UUID.randomUUID().toString().substring(0, 6), "read");
    assertThat(Cli.as(reader, env.server(), "channel", "list").exit()).isZero();
    Cli.Run readerTests = Cli.as(reader, env.server(), "channel", "test", "mail");
    assertThat(readerTests.exit()).isEqualTo(12);
    assertThat(readerTests.err()).contains("lacks the scope admin");
  }
}
