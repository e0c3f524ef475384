package dev.slipway.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SlackMessageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode event(String type, String reason) {
    return JSON.createObjectNode()
        .put("type", "deployment." + type)
        .put("deploymentId", "d-1")
        .put("app", "journal")
        .put("environment", "production")
        .put("version", "2.0.0")
        .put("previousVersion", "1.9.0")
        .put("requestedBy", "ci-prod")
        .put("reason", reason);
  }

  @Test
  void aFailedRollbackSaysWhichPhaseFailedAndTheCommandsToInspectAndRecover() {
    Message message =
        Message.of(event("rollback_failed", "REVERT failed: exit 3 after 2 s: no such release"));
    assertThat(message.title())
        .isEqualTo("journal/production: rollback of 2.0.0 FAILED — needs a human");
    assertThat(message.why()).isEqualTo("REVERT failed: exit 3 after 2 s: no such release");
    assertThat(message.next())
        .isEqualTo(
            "Inspect the failed phase: slipway status d-1 and slipway logs d-1; then roll back by"
                + " hand: slipway rollback --app journal --env production");
  }

  @Test
  void theWatchsVerdictsSayWhatWasSeenAndThatNothingWasRolledBack() {
    JsonNode unhealthy =
        JSON.createObjectNode()
            .put("type", "target.unhealthy")
            .put("deploymentId", "d-1")
            .put("app", "journal")
            .put("environment", "production")
            .put("version", "2.0.0")
            .put("requestedBy", "ci-prod")
            .put("summary", "check 'app' failed 3 rounds in a row: HTTP 503 (expected 200)");
    Message message = Message.of(unhealthy);
    assertThat(message.title()).isEqualTo("journal/production: 2.0.0 is UNHEALTHY");
    assertThat(message.why())
        .isEqualTo("check 'app' failed 3 rounds in a row: HTTP 503 (expected 200)");
    assertThat(message.next())
        .startsWith("Nothing was rolled back (the release is over). Roll back: slipway rollback")
        .endsWith("see how long: slipway status --app journal --env production");
    assertThat(message.facts()).containsEntry("Deployment", "d-1");
    JsonNode healthy =
        ((com.fasterxml.jackson.databind.node.ObjectNode) unhealthy.deepCopy())
            .put("type", "target.healthy")
            .put("summary", "1 check(s) passed 1 round(s) in a row")
            .put("previous", "unhealthy")
            .put("previousSince", "2026-12-04T19:00:00Z");
    assertThat(Message.of(healthy).title()).isEqualTo("journal/production: 2.0.0 is healthy again");
    assertThat(Message.of(healthy).why())
        .isEqualTo("1 check(s) passed 1 round(s) in a row (unhealthy since 2026-12-04T19:00:00Z)");
    assertThat(
            Message.of(
                    healthy,
                    java.util.Map.of(
                        "healthy", new Message.Template("${target} recovered", "", "")))
                .title())
        .as("a channel's template for the kind")
        .isEqualTo("journal/production recovered");
  }

  @Test
  void aChannelsTemplateRewordsThePartsItGivesAndKeepsTheDefaultsOfTheOthers() {
    Message.Template template =
        new Message.Template(
            "${target} is back on ${previousVersion} (${version} by ${requestedBy}${window})",
            "",
            "Post in #releases and open an incident for ${deploymentId}");
    Message message =
        Message.of(
            event("rolled_back", "VERIFY failed: 3 of 3 rounds"),
            java.util.Map.of("rolled_back", template));
    assertThat(message.title()).isEqualTo("journal/production is back on 1.9.0 (2.0.0 by ci-prod)");
    assertThat(message.why()).as("the default's").isEqualTo("VERIFY failed: 3 of 3 rounds");
    assertThat(message.next()).isEqualTo("Post in #releases and open an incident for d-1");
    assertThat(Message.of(event("succeeded", ""), java.util.Map.of("rolled_back", template)))
        .as("another kind keeps its default")
        .isEqualTo(Message.of(event("succeeded", "")));
  }

  @Test
  void everyPartStaysWithinSlacksLimitsAndMarkupIsEscaped() throws Exception {
    String longReason = "<script> & " + "x".repeat(5_000);
    JsonNode body =
        JSON.readTree(
            SlackMessage.render(
                new Message("t".repeat(400), longReason, "", java.util.Map.of(), "d-1"), ""));
    JsonNode blocks = body.path("blocks");
    assertThat(blocks.get(0).path("text").path("text").asText()).hasSize(SlackMessage.HEADER_LIMIT);
    String why = blocks.get(1).path("text").path("text").asText();
    assertThat(why).hasSize(SlackMessage.SECTION_LIMIT).startsWith("&lt;script&gt; &amp; x");
    assertThat(body.path("text").asText()).hasSizeLessThanOrEqualTo(SlackMessage.SECTION_LIMIT);
    assertThat(blocks.toString()).as("no dashboard, no button").doesNotContain("actions");
  }
}
