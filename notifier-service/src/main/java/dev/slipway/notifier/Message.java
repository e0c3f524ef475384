package dev.slipway.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a person is told about one event, whatever the channel: what happened (the title), why (the
 * reason, the phase's summary), what to do next, and the facts (target, version, who).
 */
public record Message(
    String title, String why, String next, Map<String, String> facts, String deploymentId) {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");

  /** A channel's own wording of an event kind's message; an empty part keeps the default's. */
  public record Template(String title, String why, String next) {}

  /**
   * The message of a stored webhook payload, worded by {@code templates} (by event kind) where the
   * channel has one.
   */
  public static Message of(JsonNode event, Map<String, Template> templates) {
    Message message = of(event);
    Template template = templates.get(kind(event));
    if (template == null) {
      return message;
    }
    return new Message(
        template.title().isEmpty() ? message.title() : render(template.title(), event),
        template.why().isEmpty() ? message.why() : render(template.why(), event),
        template.next().isEmpty() ? message.next() : render(template.next(), event),
        message.facts(),
        message.deploymentId());
  }

  /** {@code text} with each ${field} of the event put in; a field the event lacks is empty. */
  private static String render(String text, JsonNode event) {
    return PLACEHOLDER
        .matcher(text)
        .replaceAll(
            placeholder ->
                Matcher.quoteReplacement(
                    placeholder.group(1).equals("target")
                        ? text(event, "app") + "/" + text(event, "environment")
                        : text(event, placeholder.group(1))));
  }

  /** The message of a stored webhook payload. */
  public static Message of(JsonNode event) {
    String type = kind(event);
    String target = text(event, "app") + "/" + text(event, "environment");
    String version = text(event, "version");
    String id = text(event, "deploymentId");
    String status = "slipway status " + id;
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Target", target);
    facts.put("Version", version);
    if (!text(event, "previousVersion").isEmpty()) {
      facts.put("Previous", text(event, "previousVersion"));
    }
    facts.put("Requested by", text(event, "requestedBy"));
    if (!text(event, "slot").isEmpty()) {
      facts.put("Slot", text(event, "slot"));
    }
    if (!text(event, "instances").isEmpty()) {
      facts.put("Instances", text(event, "instances"));
    }
    facts.put("Deployment", id);
    String reason = text(event, "reason");
    String restored = text(event, "restoreSetId");
    if (!restored.isEmpty()) {
      facts.put("Backup set", restored);
      String what = target + ": restore of backup set " + restored;
      switch (type) {
        case "requested" -> {
          return new Message(what + " started", "", "Follow it: " + status, facts, id);
        }
        case "succeeded" -> {
          return new Message(
              target + ": data restored from backup set " + restored, "", "", facts, id);
        }
        case "failed" -> {
          return new Message(what + " failed", reason, "See what failed: " + status, facts, id);
        }
        default -> {}
      }
    }
    return switch (type) {
      case "requested" ->
          new Message(target + ": deploying " + version, "", "Follow it: " + status, facts, id);
      case "succeeded" -> new Message(target + ": " + version + " is live", "", "", facts, id);
      case "failed" ->
          new Message(
              target + ": " + version + " failed, nothing was changed",
              reason,
              "See what failed: " + status,
              facts,
              id);
      case "rolled_back" ->
          new Message(
              target + ": " + version + " was rolled back",
              reason,
              text(event, "previousVersion").isEmpty()
                  ? "See why: " + status
                  : text(event, "previousVersion") + " is back. See why: " + status,
              facts,
              id);
      case "rollback_failed" ->
          new Message(
              target + ": rollback of " + version + " FAILED — needs a human",
              reason,
              "Inspect the failed phase: "
                  + status
                  + " and slipway logs "
                  + id
                  + "; then roll back by hand: slipway rollback --app "
                  + text(event, "app")
                  + " --env "
                  + text(event, "environment"),
              facts,
              id);
      case "cancelled" ->
          new Message(target + ": " + version + " was cancelled", reason, "", facts, id);
      case "approval_requested" ->
          new Message(
              target + ": " + version + " waits for approval",
              text(event, "approvalsRequired")
                  + " approval(s) needed before "
                  + text(event, "expiresAt"),
              "Approve: slipway approve "
                  + id
                  + "   Reject: slipway reject "
                  + id
                  + " --reason TEXT",
              facts,
              id);
      case "held" ->
          new Message(
              target + ": " + version + " is held by freeze window " + text(event, "window"),
              reason + " (until " + text(event, "until") + ")",
              "It starts when the window ends; to go now: slipway deploy ... --override-freeze --reason TEXT",
              facts,
              id);
      case "unhealthy" ->
          new Message(
              target + ": " + version + " is UNHEALTHY",
              text(event, "summary"),
              "Nothing was rolled back (the release is over). Roll back: slipway rollback --app "
                  + text(event, "app")
                  + " --env "
                  + text(event, "environment")
                  + ", or deploy a fix; see how long: slipway status --app "
                  + text(event, "app")
                  + " --env "
                  + text(event, "environment"),
              facts,
              id);
      case "healthy" ->
          new Message(
              target + ": " + version + " is healthy again",
              text(event, "summary")
                  + " ("
                  + text(event, "previous")
                  + " since "
                  + text(event, "previousSince")
                  + ")",
              "",
              facts,
              id);
      case "unchecked" ->
          new Message(
              target + ": " + version + " cannot be checked",
              text(event, "summary"),
              "The checks could not run: look at the health-service and what it reaches",
              facts,
              id);
      case "phase_completed" ->
          new Message(
              target
                  + ": "
                  + text(event, "phase")
                  + " "
                  + text(event, "outcome").toLowerCase(java.util.Locale.ROOT),
              text(event, "summary"),
              "Details: " + status,
              facts,
              id);
      default ->
          new Message(
              target + ": " + type.replace('_', ' '), reason, "Details: " + status, facts, id);
    };
  }

  /** The event's kind without its family: succeeded, unhealthy, ... */
  private static String kind(JsonNode event) {
    return text(event, "type").replaceFirst("^(deployment|target)\\.", "");
  }

  private static String text(JsonNode event, String field) {
    JsonNode value = event.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }
}
