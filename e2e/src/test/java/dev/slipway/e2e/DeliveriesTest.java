package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import dev.slipway.proto.v1.Delivery;
import dev.slipway.proto.v1.DeliveryAttempt;
import dev.slipway.proto.v1.DeliveryStatus;
import dev.slipway.proto.v1.ListDeliveriesResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code slipway deliveries}: every notification of a deployment with every attempt; one that runs
 * out of attempts is DEAD, counted, and delivered once when retried by hand.
 */
class DeliveriesTest {

  @Test
  void aDeadDeliveryIsVisibleCountedAndDeliveredOnceWhenRetried() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    env.webhook.flakyUp(false);
    String app = "told-" + UUID.randomUUID().toString().substring(0, 6);
    env.apply(
        Files.createTempDirectory("told"),
        app,
        """
        app: %s
        environment: e2e
        deploy: { command: ["true"] }
        notify:
          - { channel: flaky, on: [succeeded] }
          - { channel: ops, on: [succeeded] }
        """
            .formatted(app));
    Cli.Run release = env.deployAndWait(app, "1.0.0");
    assertThat(release.exit()).as(release.all()).isZero();
    String deployment = E2eEnvironment.deployment(release.out()).getId();

    // The flaky channel's schedule is one retry a second later; ops refuses every first attempt.
    ListDeliveriesResponse settled =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> list(env, "--deployment", deployment),
                page ->
                    page.getDeliveriesList().size() == 2
                        && page.getDeliveriesList().stream()
                            .noneMatch(
                                d -> d.getStatus() == DeliveryStatus.DELIVERY_STATUS_PENDING));
    Delivery dead = byChannel(settled, "flaky");
    Delivery delivered = byChannel(settled, "ops");
    assertThat(settled.getDead()).isEqualTo(1);
    assertThat(dead.getStatus()).isEqualTo(DeliveryStatus.DELIVERY_STATUS_DEAD);
    assertThat(dead.getEventType()).isEqualTo("succeeded");
    assertThat(dead.getAttemptsList())
        .extracting(
            DeliveryAttempt::getAttempt,
            DeliveryAttempt::getHttpStatus,
            DeliveryAttempt::getSucceeded)
        .containsExactly(tuple(1, 503, false), tuple(2, 503, false));
    assertThat(dead.getLastError()).contains("no answer that delivered it after 2 attempts");
    assertThat(env.webhook.flakyHits("msg_" + dead.getId()))
        .as("the channel saw exactly the two attempts")
        .isEqualTo(2);
    assertThat(delivered.getStatus()).isEqualTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    assertThat(delivered.getAttemptsList())
        .extracting(DeliveryAttempt::getHttpStatus)
        .containsExactly(503, 204);

    Cli.Run everyDead = Cli.run(env.server(), "deliveries", "--status", "dead");
    assertThat(everyDead.exit()).as(everyDead.all()).isZero();
    assertThat(everyDead.out())
        .contains(dead.getId() + "  succeeded -> flaky  DEAD  2 attempt(s)")
        .contains("    #2 ")
        .containsPattern("\\d+ DEAD: send one again with slipway deliveries retry ID");

    String suffix = UUID.randomUUID().toString().substring(0, 6);
    Path reader = env.token("delivery-reader-" + suffix, "read");
    assertThat(Cli.as(reader, env.server(), "deliveries", "--deployment", deployment).exit())
        .isZero();
    Cli.Run readerRetries = Cli.as(reader, env.server(), "deliveries", "retry", dead.getId());
    assertThat(readerRetries.exit()).isEqualTo(12);
    assertThat(readerRetries.err()).contains("lacks the scope admin");

    env.webhook.flakyUp(true);
    Cli.Run retry = Cli.run(env.server(), "deliveries", "retry", dead.getId());
    assertThat(retry.exit()).as(retry.all()).isZero();
    assertThat(retry.out()).contains(dead.getId() + "  succeeded -> flaky  PENDING");
    Delivery again =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> byChannel(list(env, "--deployment", deployment), "flaky"),
                d -> d.getStatus() == DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    assertThat(again.getAttemptsList())
        .extracting(DeliveryAttempt::getAttempt, DeliveryAttempt::getSucceeded)
        .as("the attempts before the retry are kept")
        .containsExactly(tuple(1, false), tuple(2, false), tuple(3, true));
    List<WebhookReceiver.Received> arrived =
        env.webhook.flakyReceived().stream()
            .filter(hook -> hook.id().equals("msg_" + dead.getId()))
            .toList();
    assertThat(arrived).as("delivered once").hasSize(1);
    assertThat(arrived.getFirst().body()).contains("\"deploymentId\":\"" + deployment + "\"");
    assertThat(arrived.getFirst().signature())
        .isEqualTo(
            WebhookReceiver.standardWebhooksSignature(env.webhookSecret, arrived.getFirst()));
    assertThat(list(env, "--deployment", deployment).getDead()).isZero();

    Cli.Run twice = Cli.run(env.server(), "deliveries", "retry", dead.getId());
    assertThat(twice.exit()).isEqualTo(12);
    assertThat(twice.err()).contains("is DELIVERED: only a DEAD or FAILED delivery is retried");
  }

  @Test
  void aChannelThatHangsNeverDelaysAnother() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    env.webhook.flakyUp(true);
    String app = "hung-" + UUID.randomUUID().toString().substring(0, 6);
    env.apply(
        Files.createTempDirectory("hung"),
        app,
        """
        app: %s
        environment: e2e
        deploy: { command: ["true"] }
        notify:
          - { channel: hanging, on: [succeeded] }
          - { channel: flaky, on: [succeeded] }
        """
            .formatted(app));
    Cli.Run release = env.deployAndWait(app, "1.0.0");
    assertThat(release.exit()).as(release.all()).isZero();
    String deployment = E2eEnvironment.deployment(release.out()).getId();

    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () ->
                assertThat(env.webhook.flakyReceived())
                    .as("the other channel's delivery arrives while the hanging one is held open")
                    .anySatisfy(hook -> assertThat(hook.body()).contains(deployment)));
    assertThat(env.webhook.hanging()).isPositive();

    Delivery hung =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> byChannel(list(env, "--deployment", deployment), "hanging"),
                d -> d.getAttemptCount() == 1);
    assertThat(hung.getStatus())
        .as("given up after the 10 s timeout, to be tried again later")
        .isEqualTo(DeliveryStatus.DELIVERY_STATUS_PENDING);
    assertThat(hung.getAttempts(0).getDetail()).contains("cannot deliver").contains("timed out");
    assertThat(byChannel(list(env, "--deployment", deployment), "flaky").getStatus())
        .isEqualTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
  }

  @Test
  void mistakesAreNamed() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    Cli.Run neither = Cli.run(env.server(), "deliveries");
    assertThat(neither.exit()).isEqualTo(2);
    assertThat(neither.err()).contains("give --deployment ID, --status STATUS, or both");
    Cli.Run badStatus = Cli.run(env.server(), "deliveries", "--status", "lost");
    assertThat(badStatus.exit()).isEqualTo(2);
    assertThat(badStatus.err()).contains("--status lost is not PENDING, DELIVERED, FAILED or DEAD");
    Cli.Run badId = Cli.run(env.server(), "deliveries", "retry", "nope");
    assertThat(badId.exit()).isEqualTo(2);
    assertThat(badId.err()).contains("delivery_id is not a UUID");
    assertThat(Cli.run(env.server(), "deliveries", "retry", UUID.randomUUID().toString()).exit())
        .isEqualTo(13);
  }

  private static ListDeliveriesResponse list(E2eEnvironment env, String... filter)
      throws Exception {
    String[] args = new String[filter.length + 3];
    args[0] = "deliveries";
    System.arraycopy(filter, 0, args, 1, filter.length);
    args[filter.length + 1] = "-o";
    args[filter.length + 2] = "json";
    Cli.Run run = Cli.run(env.server(), args);
    assertThat(run.exit()).as(run.all()).isZero();
    ListDeliveriesResponse.Builder page = ListDeliveriesResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), page);
    return page.build();
  }

  private static Delivery byChannel(ListDeliveriesResponse page, String channel) {
    return page.getDeliveriesList().stream()
        .filter(d -> d.getChannel().equals(channel))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no delivery to " + channel + " in " + page));
  }
}
