package dev.slipway.orchestrator.channels;

import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.InvalidInput.Violation;
import dev.slipway.orchestrator.targets.TargetDocuments;
import dev.slipway.orchestrator.targets.TargetValidator;
import dev.slipway.proto.v1.ChannelSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and checks a channel spec; every problem names its field. */
final class ChannelSpecs {
  private static final Set<String> TYPES = Set.of("webhook", "slack", "email");
  private static final Pattern STEP = Pattern.compile("[1-9][0-9]{0,5}[smhd]");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}");
  private static final int MAX_URL = 2_048;
  private static final Pattern ADDRESS = Pattern.compile("[^@\\s,<>]{1,64}@[^@\\s,<>]{1,255}");
  private static final int MAX_RECIPIENTS = 50;
  private static final int MAX_TEMPLATE = 1_000;
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
  private static final List<String> PLACEHOLDERS =
      List.of(
          "target",
          "app",
          "environment",
          "version",
          "previousVersion",
          "requestedBy",
          "deploymentId",
          "reason",
          "phase",
          "outcome",
          "summary",
          "window");

  /** Keys that would put a credential in the spec itself, and what to give instead. */
  private static final List<String[]> INLINE =
      List.of(
          new String[] {"secret", "signingSecret: NAME"},
          new String[] {"password", "passwordSecret: NAME"},
          new String[] {"token", "urlSecret: NAME"});

  private ChannelSpecs() {}

  static ChannelSpec parse(String document) {
    ChannelSpec.Builder spec = ChannelSpec.newBuilder();
    TargetDocuments.merge(
        document,
        spec,
        "channel",
        "name, type, url or urlSecret, ...",
        tree -> {
          for (String[] inline : INLINE) {
            if (tree.has(inline[0])) {
              throw new InvalidInput(
                  inline[0],
                  "is never given inline: store it with slipway secret set NAME and give "
                      + inline[1]);
            }
          }
        });
    return spec.build();
  }

  /** The spec with its defaults filled in, or every violation at once. */
  static ChannelSpec check(ChannelSpec given, Predicate<String> secretExists) {
    ChannelSpec spec =
        given.getType().isEmpty() ? given.toBuilder().setType("webhook").build() : given;
    List<Violation> violations = new ArrayList<>();
    if (!TargetValidator.NAME.matcher(spec.getName()).matches()) {
      violations.add(new Violation("name", "must be lowercase letters, digits and '-'"));
    }
    if (!TYPES.contains(spec.getType())) {
      violations.add(new Violation("type", "must be webhook, slack or email"));
    }
    if (!spec.getRetrySchedule().isEmpty() && !schedule(spec.getRetrySchedule())) {
      violations.add(new Violation("retry_schedule", "must be 1 to 20 waits like 5s,5m,30m,2h,1d"));
    }
    if (spec.getMaxConcurrent() < 0 || spec.getMaxConcurrent() > 64) {
      violations.add(new Violation("max_concurrent", "must be 1..64 (0: the default 4)"));
    }
    switch (spec.getType()) {
      case "webhook", "slack" -> checkUrl(spec, violations);
      case "email" -> checkMail(spec, violations);
      default -> {}
    }
    checkTemplates(spec, violations);
    secret(violations, "url_secret", spec.getUrlSecret(), secretExists);
    secret(violations, "signing_secret", spec.getSigningSecret(), secretExists);
    secret(violations, "password_secret", spec.getPasswordSecret(), secretExists);
    if (!violations.isEmpty()) {
      throw new InvalidInput(violations);
    }
    return spec;
  }

  private static void checkTemplates(ChannelSpec spec, List<Violation> violations) {
    if (spec.getTemplatesCount() > 0 && spec.getType().equals("webhook")) {
      violations.add(
          new Violation("templates", "are for slack and email: a webhook sends the event as JSON"));
    }
    spec.getTemplatesMap()
        .forEach(
            (event, template) -> {
              String field = "templates." + event;
              if (!TargetValidator.EVENTS.contains(event)) {
                violations.add(
                    new Violation(
                        field,
                        "is not an event kind; one of: "
                            + String.join(", ", TargetValidator.EVENTS)));
              }
              template(violations, field + ".title", template.getTitle());
              template(violations, field + ".why", template.getWhy());
              template(violations, field + ".next", template.getNext());
            });
  }

  private static void template(List<Violation> violations, String field, String text) {
    if (text.length() > MAX_TEMPLATE) {
      violations.add(new Violation(field, "is longer than " + MAX_TEMPLATE + " characters"));
    }
    Matcher placeholder = PLACEHOLDER.matcher(text);
    while (placeholder.find()) {
      if (!PLACEHOLDERS.contains(placeholder.group(1))) {
        violations.add(
            new Violation(
                field,
                "${"
                    + printable(placeholder.group(1))
                    + "} is not a placeholder; one of: "
                    + String.join(", ", PLACEHOLDERS.stream().map(p -> "${" + p + "}").toList())));
      }
    }
  }

  private static void checkUrl(ChannelSpec spec, List<Violation> violations) {
    if (spec.getUrl().isEmpty() == spec.getUrlSecret().isEmpty()) {
      violations.add(new Violation("url", "give url or url_secret, one of them"));
    } else if (spec.getType().equals("slack") && !spec.getUrl().isEmpty()) {
      violations.add(
          new Violation(
              "url",
              "of a Slack webhook carries its token: store it as a secret, give url_secret"));
    } else if (!spec.getUrl().isEmpty() && !httpUrl(spec.getUrl())) {
      violations.add(new Violation("url", "must be an http or https URL"));
    } else if (!spec.getUrl().isEmpty() && mayCarryCredentials(spec.getUrl())) {
      violations.add(
          new Violation(
              "url",
              "has a user or a query, which may carry a token: store it as a secret, give url_secret"));
    }
    if (spec.getType().equals("slack") && !spec.getSigningSecret().isEmpty()) {
      violations.add(new Violation("signing_secret", "is for webhook channels only"));
    }
    for (String mailOnly : mailFields(spec)) {
      violations.add(new Violation(mailOnly, "is for email channels only"));
    }
  }

  private static void checkMail(ChannelSpec spec, List<Violation> violations) {
    if (!HOST.matcher(spec.getSmtpHost()).matches()) {
      violations.add(new Violation("smtp_host", "must be a host name or address"));
    }
    if (spec.getUsername().length() > 256
        || spec.getUsername().matches("(?s).*[\\p{Cntrl}\\s].*")) {
      violations.add(new Violation("username", "must be up to 256 characters, no spaces"));
    }
    if (spec.getSmtpPort() < 0 || spec.getSmtpPort() > 65535) {
      violations.add(new Violation("smtp_port", "must be 1..65535 (0: 587)"));
    }
    if (!ADDRESS.matcher(spec.getFrom()).matches()) {
      violations.add(new Violation("from", "must be an email address"));
    }
    if (spec.getToCount() == 0 || spec.getToCount() > MAX_RECIPIENTS) {
      violations.add(new Violation("to", "must list 1.." + MAX_RECIPIENTS + " addresses"));
    }
    for (String to : spec.getToList()) {
      if (!ADDRESS.matcher(to).matches()) {
        violations.add(new Violation("to", "'" + printable(to) + "' is not an email address"));
      }
    }
    if (!spec.getUsername().isEmpty() && spec.getPasswordSecret().isEmpty()) {
      violations.add(new Violation("password_secret", "is required with username"));
    }
    if (!spec.getUrl().isEmpty() || !spec.getUrlSecret().isEmpty()) {
      violations.add(new Violation("url", "is for webhook and slack channels only"));
    }
    if (!spec.getSigningSecret().isEmpty()) {
      violations.add(new Violation("signing_secret", "is for webhook channels only"));
    }
  }

  private static List<String> mailFields(ChannelSpec spec) {
    List<String> set = new ArrayList<>();
    if (!spec.getSmtpHost().isEmpty()) set.add("smtp_host");
    if (!spec.getFrom().isEmpty()) set.add("from");
    if (spec.getToCount() > 0) set.add("to");
    if (!spec.getPasswordSecret().isEmpty()) set.add("password_secret");
    if (!spec.getUsername().isEmpty()) set.add("username");
    if (spec.getSmtpPort() != 0) set.add("smtp_port");
    if (spec.getPlainSmtp()) set.add("plain_smtp");
    return set;
  }

  private static void secret(
      List<Violation> violations, String field, String name, Predicate<String> exists) {
    if (name.isEmpty()) {
      return;
    }
    if (!TargetValidator.NAME.matcher(name).matches()) {
      violations.add(new Violation(field, "must name a secret (lowercase letters, digits, '-')"));
    } else if (!exists.test(name)) {
      // The name is not echoed: a value pasted where its name belongs stays unprinted.
      violations.add(
          new Violation(field, "names a secret that is not set (slipway secret list shows them)"));
    }
  }

  private static boolean schedule(String schedule) {
    String[] steps = schedule.split(",", -1);
    return steps.length <= 20
        && java.util.Arrays.stream(steps).allMatch(step -> STEP.matcher(step.strip()).matches());
  }

  private static boolean mayCarryCredentials(String url) {
    URI uri = URI.create(url);
    return uri.getRawUserInfo() != null || uri.getRawQuery() != null;
  }

  static boolean httpUrl(String url) {
    if (url.length() > MAX_URL) {
      return false;
    }
    try {
      URI uri = URI.create(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String printable(String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
