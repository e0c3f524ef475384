package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Slack channels get Block Kit messages that say what happened, why and what to do next, within
 * Slack's limits and its one-message-a-second pace, each delivered once, after any 429 wait.
 */
class SlackTest {

  @Test
  void aReleaseAndARollbackAreToldToSlackOnceEachWithWhyAndWhatNext() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "slacked-" + UUID.randomUUID().toString().substring(0, 6);
    Path dir = Files.createTempDirectory("slacked");
    Path deployed = dir.resolve("version");
    env.apply(
        dir,
        app,
        """
        app: %1$s
        environment: e2e
        deploy: { command: [/bin/sh, -c, 'printf %%s "$1" > %2$s', sh, "${version}"] }
        health:
          interval: 200ms
          failureThreshold: 1
          checks: [{ type: command, name: not-2, command: [/bin/sh, -c, 'test "$(cat %2$s)" != 2.0.0'] }]
        notify: [{ channel: slack, on: [requested, succeeded, rolled_back] }]
        """
            .formatted(app, deployed));
    Cli.Run good = env.deployAndWait(app, "1.0.0");
    assertThat(good.exit()).as(good.all()).isZero();
    String first = E2eEnvironment.deployment(good.out()).getId();
    Cli.Run bad = env.deployAndWait(app, "2.0.0");
    assertThat(bad.exit()).as(bad.all()).isEqualTo(5);
    String second = E2eEnvironment.deployment(bad.out()).getId();

    List<SlackReceiver.Accepted> messages =
        await().atMost(Duration.ofSeconds(60)).until(() -> of(env, app), m -> m.size() >= 4);
    assertThat(messages)
        .extracting(m -> m.body().path("blocks").get(0).path("text").path("text").asText())
        .as("each event told once, in order")
        .containsExactly(
            app + "/e2e: deploying 1.0.0",
            app + "/e2e: 1.0.0 is live",
            app + "/e2e: deploying 2.0.0",
            app + "/e2e: 2.0.0 was rolled back");
    for (int i = 1; i < messages.size(); i++) {
      assertThat(Duration.between(messages.get(i - 1).at(), messages.get(i).at()))
          .as("about one message a second")
          .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }
    assertThat(env.slack.tooMany()).as("the first request was answered 429").isPositive();
    assertThat(env.slack.refused()).as("every message was within Slack's limits").isEmpty();

    JsonNode rolledBack = messages.get(3).body();
    System.out.println("Slack message as it arrived:\n" + rolledBack.toPrettyString());
    assertThat(rolledBack.path("text").asText())
        .startsWith(app + "/e2e: 2.0.0 was rolled back: VERIFY failed: check 'not-2' failed");
    String blocks = rolledBack.path("blocks").toString();
    assertThat(blocks)
        .contains("VERIFY failed: check 'not-2' failed")
        .contains("*Target*\\n" + app + "/e2e")
        .contains("*Version*\\n2.0.0")
        .contains("*Previous*\\n1.0.0")
        .contains("*Requested by*\\nadmin")
        .contains("*Next:* 1.0.0 is back. See why: slipway status " + second)
        .contains("https://slipway.example.com/deployments/" + second);
    assertThat(messages.get(0).body().path("blocks").toString())
        .contains("Follow it: slipway status " + first);

    Cli.Run deliveries = Cli.run(env.server(), "deliveries", "--deployment", first);
    assertThat(deliveries.out())
        .as("the first message waited out its 429, then arrived")
        .contains("requested -> slack  DELIVERED  2 attempt(s)")
        .contains("#1 ")
        .contains("HTTP 429");
  }

  private static List<SlackReceiver.Accepted> of(E2eEnvironment env, String app) {
    return env.slack.accepted().stream()
        .filter(m -> m.body().path("text").asText().startsWith(app + "/"))
        .toList();
  }
}
