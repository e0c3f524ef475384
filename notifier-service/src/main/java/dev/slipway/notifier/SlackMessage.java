package dev.slipway.notifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A {@link Message} as a Slack incoming-webhook body: a top-level {@code text} (what notifications
 * show) and Block Kit blocks within Slack's limits — a header of at most 150 characters, sections
 * of at most 3,000, fields of at most 2,000 — and a button to the dashboard when one is configured.
 */
public final class SlackMessage {
  static final int HEADER_LIMIT = 150;
  static final int SECTION_LIMIT = 3_000;
  static final int FIELD_LIMIT = 2_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SlackMessage() {}

  /** The JSON body; {@code dashboardUrl} empty means no button. */
  public static String render(Message message, String dashboardUrl) {
    ObjectNode body = JSON.createObjectNode();
    body.put(
        "text",
        cut(
            escape(message.title() + (message.why().isEmpty() ? "" : ": " + message.why())),
            SECTION_LIMIT));
    ArrayNode blocks = body.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header
        .putObject("text")
        .put("type", "plain_text")
        .put("text", cut(message.title(), HEADER_LIMIT));
    if (!message.why().isEmpty()) {
      section(blocks, escape(message.why()));
    }
    ObjectNode facts = blocks.addObject().put("type", "section");
    ArrayNode fields = facts.putArray("fields");
    for (Map.Entry<String, String> fact : message.facts().entrySet()) {
      fields
          .addObject()
          .put("type", "mrkdwn")
          .put("text", cut("*" + fact.getKey() + "*\n" + escape(fact.getValue()), FIELD_LIMIT));
    }
    if (!message.next().isEmpty()) {
      section(blocks, "*Next:* " + escape(message.next()));
    }
    if (!dashboardUrl.isEmpty()) {
      ObjectNode button =
          blocks.addObject().put("type", "actions").putArray("elements").addObject();
      button
          .put("type", "button")
          .put("url", dashboardUrl + "/deployments/" + message.deploymentId());
      button.putObject("text").put("type", "plain_text").put("text", "Open deployment");
    }
    return body.toString();
  }

  private static void section(ArrayNode blocks, String mrkdwn) {
    blocks
        .addObject()
        .put("type", "section")
        .putObject("text")
        .put("type", "mrkdwn")
        .put("text", cut(mrkdwn, SECTION_LIMIT));
  }

  /** Slack reads &, < and > as markup. */
  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cut(String text, int limit) {
    return text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
  }
}
