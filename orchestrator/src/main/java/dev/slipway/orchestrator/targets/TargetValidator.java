package dev.slipway.orchestrator.targets;

import dev.slipway.orchestrator.domain.Plan;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.InvalidInput.Violation;
import dev.slipway.platform.spec.AllowedRoots;
import dev.slipway.platform.spec.CheckPlaceholders;
import dev.slipway.platform.spec.Durations;
import dev.slipway.platform.spec.PostgresUrl;
import dev.slipway.proto.v1.BackupItem;
import dev.slipway.proto.v1.BackupRetention;
import dev.slipway.proto.v1.BackupSpec;
import dev.slipway.proto.v1.CanarySpec;
import dev.slipway.proto.v1.CanaryStep;
import dev.slipway.proto.v1.CommandStep;
import dev.slipway.proto.v1.HealthCheck;
import dev.slipway.proto.v1.NotifyRule;
import dev.slipway.proto.v1.RollingSpec;
import dev.slipway.proto.v1.TargetSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks a target spec and names every offending field, e.g. {@code health.checks[1].url}. */
public final class TargetValidator {
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
  private static final Set<String> PLACEHOLDERS =
      Set.of("version", "previousVersion", "deploymentId", "app", "environment", "attempt");

  /** The event kinds notify rules and channel templates name. */
  public static final List<String> EVENTS =
      List.of(
          "requested",
          "phase_started",
          "phase_completed",
          "succeeded",
          "failed",
          "cancelled",
          "rolled_back",
          "rollback_failed",
          "queued",
          "approval_requested",
          "approval_given",
          "approval_rejected",
          "approval_expired",
          "held",
          "freeze_overridden",
          "paused",
          "resumed",
          "unhealthy",
          "healthy",
          "unchecked");

  private static final List<String> HTTP_METHODS = List.of("GET", "HEAD", "POST", "PUT", "OPTIONS");
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");

  private static final String SET_WEIGHT = "strategy.canary.setWeight";
  private static final int MAX_CANARY_STEPS = 20;
  private static final String SLOT_WITHOUT_BLUE_GREEN =
      "uses ${slot}, which only a blue-green target (strategy.blueGreen) has";
  private static final String INSTANCE_WITHOUT_ROLLING =
      "uses ${instance}, which only a rolling target (strategy.rolling) has";
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  private static final int MAX_INSTANCES = 100;

  private final List<Violation> violations = new ArrayList<>();
  private boolean blueGreen;
  private boolean rolling;
  private final AllowedRoots backupRoots;

  private TargetValidator(AllowedRoots backupRoots) {
    this.backupRoots = backupRoots;
  }

  /** Validates with backup paths allowed anywhere but "/" itself. */
  public static void validate(TargetSpec spec) {
    validate(spec, AllowedRoots.ANYWHERE);
  }

  /** Throws {@link InvalidInput} listing every problem; returns quietly when the spec is valid. */
  public static void validate(TargetSpec spec, AllowedRoots backupRoots) {
    TargetValidator validator = new TargetValidator(backupRoots);
    validator.check(spec);
    if (!validator.violations.isEmpty()) {
      throw new InvalidInput(validator.violations);
    }
  }

  private void retention(BackupSpec backup) {
    if (!backup.hasRetention()) {
      return;
    }
    if (backup.getKeep() != 0) {
      fail("backup.retention", "replaces backup.keep: give one of them");
    }
    BackupRetention r = backup.getRetention();
    int[] counts = {r.getLast(), r.getDaily(), r.getWeekly(), r.getMonthly()};
    String[] names = {"last", "daily", "weekly", "monthly"};
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0 || counts[i] > 1000) {
        fail("backup.retention." + names[i], "must be between 0 and 1000");
      }
    }
    if (r.getLast() + r.getDaily() + r.getWeekly() + r.getMonthly() == 0) {
      fail(
          "backup.retention",
          "keeps nothing but the newest set: give last, daily, weekly or monthly");
    }
  }

  private void check(TargetSpec spec) {
    name("app", spec.getApp());
    name("environment", spec.getEnvironment());
    blueGreen = spec.getStrategy().hasBlueGreen();
    rolling = spec.getStrategy().hasRolling();
    strategy(spec);
    if (!spec.hasDeploy()) {
      fail("deploy", "is required: the command that deploys a version");
    } else {
      command("deploy", spec.getDeploy());
    }
    if (spec.hasRollback()) {
      command("rollback", spec.getRollback());
    }
    for (int i = 0; i < spec.getBackup().getItemsCount(); i++) {
      backupItem("backup.items[" + i + "]", spec.getBackup().getItems(i));
    }
    if (spec.getBackup().getKeep() < 0 || spec.getBackup().getKeep() > 1000) {
      fail("backup.keep", "must be between 1 and 1000 (0 means the default, 10)");
    }
    retention(spec.getBackup());
    if (spec.getBackup().getRestoreOnRollback() && spec.getBackup().getItemsCount() == 0) {
      fail("backup.restoreOnRollback", "needs backup.items to restore");
    }
    for (int i = 0; i < spec.getHealth().getChecksCount(); i++) {
      check("health.checks[" + i + "]", spec.getHealth().getChecks(i));
    }
    positiveDuration("health.interval", spec.getHealth().getInterval());
    positiveDuration("health.timeout", spec.getHealth().getTimeout());
    duration("health.startPeriod", spec.getHealth().getStartPeriod());
    if (spec.getHealth().getSuccessThreshold() < 0) {
      fail("health.successThreshold", "must be at least 1");
    }
    if (spec.getHealth().getFailureThreshold() < 0) {
      fail("health.failureThreshold", "must be at least 1");
    }
    if (spec.getHealth().getErrorLimit() < 0) {
      fail("health.errorLimit", "must be at least 1");
    }
    duration("health.bake", spec.getHealth().getBake());
    if (!spec.getHealth().getBake().isEmpty() && spec.getHealth().getChecksCount() == 0) {
      fail("health.bake", "needs health.checks to run during the bake");
    }
    if (spec.hasWatch()) {
      watch(spec);
    }
    for (int i = 0; i < spec.getPreflight().getChecksCount(); i++) {
      check("preflight.checks[" + i + "]", spec.getPreflight().getChecks(i));
    }
    if (spec.getApproval().getRequired() < 0 || spec.getApproval().getRequired() > 10) {
      fail("approval.required", "must be between 0 (no approval gate) and 10");
    }
    positiveDuration("approval.timeout", spec.getApproval().getTimeout());
    if (!spec.getApproval().getTimeout().isEmpty() && spec.getApproval().getRequired() == 0) {
      fail("approval.timeout", "needs approval.required of 1 or more");
    }
    for (int i = 0; i < spec.getNotifyCount(); i++) {
      notifyRule("notify[" + i + "]", spec.getNotify(i));
    }
  }

  private void strategy(TargetSpec spec) {
    boolean canary = spec.getStrategy().hasCanary();
    if ((blueGreen ? 1 : 0) + (canary ? 1 : 0) + (rolling ? 1 : 0) > 1) {
      fail("strategy", "is one of blueGreen, canary and rolling");
    }
    if (canary) {
      canary(spec.getStrategy().getCanary(), spec.getHealth().getChecksCount() > 0);
    }
    if (rolling) {
      rolling(spec);
    }
    if (blueGreen) {
      if (!spec.getStrategy().getBlueGreen().hasSwitch()) {
        fail("strategy.blueGreen.switch", "is required: the command that moves traffic to ${slot}");
      } else {
        command("strategy.blueGreen.switch", spec.getStrategy().getBlueGreen().getSwitch());
      }
      if (spec.hasRollback()) {
        fail("rollback", "a blue-green target rolls back by switching back: remove rollback");
      }
      if (spec.getDeploy().getCommandList().stream().noneMatch(arg -> arg.contains("${slot}"))) {
        fail(
            "deploy.command",
            "must name ${slot}: a blue-green release deploys to the idle slot, never in place");
      }
      if (spec.getStrategy().getBlueGreen().getSwitch().getCommandList().stream()
          .noneMatch(arg -> arg.contains("${slot}"))) {
        fail("strategy.blueGreen.switch.command", "must name ${slot}: the slot traffic moves to");
      }
    }
  }

  private void rolling(TargetSpec spec) {
    RollingSpec given = spec.getStrategy().getRolling();
    int count = given.getInstancesCount();
    if (count == 0 || count > MAX_INSTANCES) {
      fail("strategy.rolling.instances", "needs 1 to " + MAX_INSTANCES + " instances");
    }
    for (int i = 0; i < count; i++) {
      String instance = given.getInstances(i);
      if (!INSTANCE.matcher(instance).matches()) {
        fail(
            "strategy.rolling.instances[" + i + "]",
            "'"
                + instance
                + "' must be letters, digits, '.', '_', ':', '@' and '-', at most 128, starting"
                + " with a letter or digit");
      } else if (given.getInstancesList().indexOf(instance) < i) {
        fail("strategy.rolling.instances[" + i + "]", "'" + instance + "' is named twice");
      }
    }
    if (given.getMaxUnavailable() < 0 || (count > 0 && given.getMaxUnavailable() > count)) {
      fail(
          "strategy.rolling.maxUnavailable",
          "must be between 1 and the number of instances, " + count + " (0 means the default, 1)");
    }
    if (!names(spec.getDeploy(), CheckPlaceholders.INSTANCE)) {
      fail(
          "deploy.command",
          "must name ${instance}: a rolling release deploys one instance at once");
    }
    if (spec.hasRollback() && !names(spec.getRollback(), CheckPlaceholders.INSTANCE)) {
      fail("rollback.command", "must name ${instance}: a rolling revert reverts one at once");
    }
  }

  private static boolean names(CommandStep step, String placeholder) {
    return step.getCommandList().stream().anyMatch(arg -> arg.contains(placeholder));
  }

  private void canary(CanarySpec canary, boolean healthChecks) {
    if (!canary.hasSetWeight()) {
      fail(SET_WEIGHT, "is required: the command that sends ${weight} percent of traffic");
    } else {
      command(SET_WEIGHT, canary.getSetWeight());
      if (canary.getSetWeight().getCommandList().stream()
          .noneMatch(arg -> arg.contains("${weight}"))) {
        fail(SET_WEIGHT + ".command", "must name ${weight}: the percent of traffic to send");
      }
    }
    if (canary.getStepsCount() == 0 || canary.getStepsCount() > MAX_CANARY_STEPS) {
      fail("strategy.canary.steps", "needs 1 to " + MAX_CANARY_STEPS + " steps");
    }
    int previous = 0;
    for (int i = 0; i < canary.getStepsCount(); i++) {
      String field = "strategy.canary.steps[" + i + "]";
      CanaryStep step = canary.getSteps(i);
      if (step.getWeight() <= previous || step.getWeight() > 100) {
        fail(
            field + ".weight",
            "must be more than the step before's (" + previous + ") and at most 100");
      }
      previous = Math.max(previous, step.getWeight());
      positiveDuration(field + ".pause", step.getPause());
      if (!step.getPause().isEmpty() && !healthChecks) {
        fail(field + ".pause", "analyses with health.checks, and the target has none");
      }
    }
    if (canary.getStepsCount() > 0 && previous != 100) {
      fail("strategy.canary.steps", "must end at weight 100: the release counts once it takes all");
    }
    if (!List.of("", "pause", "fail", "continue").contains(canary.getNoData())) {
      fail("strategy.canary.noData", "must be pause, fail or continue");
    }
  }

  private void name(String field, String value) {
    if (value.isEmpty()) {
      fail(field, "is required");
    } else if (!NAME.matcher(value).matches()) {
      fail(
          field,
          "'"
              + value
              + "' must be lowercase letters, digits and '-', at most 63, starting with a letter or digit");
    }
  }

  private void command(String field, CommandStep step) {
    if (step.getCommandCount() == 0) {
      fail(
          field + ".command",
          "is required: an argv list such as [\"./deploy.sh\", \"${version}\"]");
    }
    for (int i = 0; i < step.getCommandCount(); i++) {
      String arg = step.getCommand(i);
      if (i == 0 && arg.isBlank()) {
        fail(field + ".command[0]", "the program must not be empty");
      }
      Matcher placeholder = PLACEHOLDER.matcher(arg);
      while (placeholder.find()) {
        boolean slot = placeholder.group(1).equals("slot");
        boolean weight = placeholder.group(1).equals("weight");
        boolean instance = placeholder.group(1).equals("instance");
        if (slot && !blueGreen) {
          fail(field + ".command[" + i + "]", SLOT_WITHOUT_BLUE_GREEN);
        } else if (weight && !field.equals(SET_WEIGHT)) {
          fail(field + ".command[" + i + "]", "uses ${weight}, which only " + SET_WEIGHT + " has");
        } else if (instance && !rolling) {
          fail(field + ".command[" + i + "]", INSTANCE_WITHOUT_ROLLING);
        } else if (!slot && !weight && !instance && !PLACEHOLDERS.contains(placeholder.group(1))) {
          fail(
              field + ".command[" + i + "]",
              "unknown placeholder ${"
                  + placeholder.group(1)
                  + "}; allowed: ${version} ${previousVersion} ${deploymentId} ${app} ${environment}"
                  + " ${attempt}"
                  + (blueGreen ? " ${slot}" : "")
                  + (rolling ? " ${instance}" : ""));
        }
      }
    }
    step.getEnvMap().keySet().forEach(name -> environmentName(field + ".env." + name, name));
    step.getSecretEnvMap()
        .forEach(
            (name, secret) -> {
              environmentName(field + ".secretEnv." + name, name);
              if (step.getEnvMap().containsKey(name)) {
                fail(field + ".env." + name, "is set both as a value and as a secret");
              }
              secretName(field + ".env." + name + ".secret", secret);
            });
    if (!step.getWorkdir().isEmpty() && !step.getWorkdir().startsWith("/")) {
      fail(field + ".workdir", "must be an absolute path");
    }
    positiveDuration(field + ".timeout", step.getTimeout());
  }

  private void environmentName(String field, String name) {
    if (!ENV_NAME.matcher(name).matches()) {
      fail(field, "must be a variable name: letters, digits and '_', not starting with a digit");
    } else if (name.startsWith("LD_") || name.startsWith("DYLD_")) {
      fail(field, "may not be set: it changes how every program loads");
    }
  }

  private void secretName(String field, String name) {
    if (!NAME.matcher(name).matches()) {
      fail(field, "must name a secret: lowercase letters, digits and '-' (slipway secret list)");
    }
  }

  private void backupItem(String field, BackupItem item) {
    switch (item.getType()) {
      case "postgres" -> {
        if (PostgresUrl.parse(item.getUrl()).isEmpty()) {
          fail(
              field + ".url",
              "must look like postgresql://user@host:5432/database, where user and database are"
                  + " plain names (letters, digits, _ and -) and host a host name or IPv4 address");
        }
        if (item.getPathsCount() > 0) {
          fail(field + ".paths", "belongs to items of type files");
        }
        if (!item.getPasswordSecret().isEmpty()) {
          secretName(field + ".passwordSecret", item.getPasswordSecret());
        }
      }
      case "files" -> {
        if (item.getPathsCount() == 0) {
          fail(field + ".paths", "is required: absolute paths of files or directories");
        }
        for (int i = 0; i < item.getPathsCount(); i++) {
          backupPath(field + ".paths[" + i + "]", item.getPaths(i));
        }
      }
      default -> fail(field + ".type", "'" + item.getType() + "' is not one of: postgres, files");
    }
  }

  /**
   * An absolute, normalised path in an allowed root: never "/" itself, never "..", no control
   * characters.
   */
  private void backupPath(String field, String path) {
    if (!path.startsWith("/")) {
      fail(field, "must be an absolute path");
    } else if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      fail(field, "must not contain control characters");
    } else if (path.length() > 4096) {
      fail(field, "must be at most 4096 characters");
    } else if (!java.nio.file.Path.of(path).normalize().toString().equals(path)
        || path.contains("/../")
        || path.endsWith("/..")) {
      fail(field, "must be a normalised path (no '..', '.', '//' or trailing '/')");
    } else if (path.equals("/")) {
      fail(field, "must not be the root directory: name what the release can damage");
    } else if (!backupRoots.allows(path)) {
      fail(
          field,
          "is outside the directories backups may read and restore: "
              + backupRoots
              + " (SLIPWAY_BACKUP_ALLOWED_ROOTS)");
    }
  }

  private void check(String field, HealthCheck given) {
    if (CheckPlaceholders.uses(given, CheckPlaceholders.SLOT) && !blueGreen) {
      fail(field, SLOT_WITHOUT_BLUE_GREEN);
    }
    if (CheckPlaceholders.uses(given, CheckPlaceholders.INSTANCE) && !rolling) {
      fail(field, INSTANCE_WITHOUT_ROLLING);
    }
    HealthCheck check =
        CheckPlaceholders.perInstance(
                List.of(CheckPlaceholders.withSlot(given, Plan.BLUE)), List.of("instance-1"))
            .getFirst();
    switch (check.getType()) {
      case "http" -> {
        try {
          URI uri = new URI(check.getUrl());
          if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
              || uri.getHost() == null) {
            fail(field + ".url", "must be an http:// or https:// URL");
          }
        } catch (URISyntaxException e) {
          fail(field + ".url", "is not a URL: " + e.getReason());
        }
        if (check.getExpectStatus() != 0
            && (check.getExpectStatus() < 100 || check.getExpectStatus() > 599)) {
          fail(field + ".expectStatus", "must be an HTTP status between 100 and 599");
        }
        if (!check.getMethod().isEmpty() && !HTTP_METHODS.contains(check.getMethod())) {
          fail(field + ".method", "must be one of " + String.join(", ", HTTP_METHODS));
        }
        for (String header : check.getHeadersMap().keySet()) {
          headerName(field + ".headers", header);
        }
        check
            .getSecretHeadersMap()
            .forEach(
                (header, secret) -> {
                  headerName(field + ".headers", header);
                  secretName(field + ".headers." + header + ".secret", secret);
                });
        if (!check.getBodyRegex().isEmpty()) {
          try {
            Pattern.compile(check.getBodyRegex());
          } catch (PatternSyntaxException e) {
            fail(field + ".bodyRegex", "is not a regular expression: " + e.getDescription());
          }
        }
        caFile(field, check);
      }
      case "tcp" -> address(field, check);
      case "grpc" -> {
        address(field, check);
        if (!check.getCaFile().isEmpty() && !check.getTls()) {
          fail(field + ".caFile", "needs tls: true");
        }
        caFile(field, check);
      }
      case "command" -> {
        if (check.getCommandCount() == 0 || check.getCommand(0).isBlank()) {
          fail(field + ".command", "is required: an argv list such as [\"./check.sh\"]");
        }
      }
      case "postgres" -> {
        if (PostgresUrl.parse(check.getUrl()).isEmpty()) {
          fail(field + ".url", "must be postgresql://user@host:port/database");
        }
        if (check.getPasswordSecret().isEmpty()) {
          fail(field + ".passwordSecret", "is required: the secret holding the password");
        } else {
          secretName(field + ".passwordSecret", check.getPasswordSecret());
        }
        if (!check.getExpectValue().isEmpty() && check.getQuery().isBlank()) {
          fail(field + ".expectValue", "needs a query whose first value it is compared with");
        }
      }
      default ->
          fail(
              field + ".type",
              "'" + check.getType() + "' is not one of: http, tcp, grpc, command, postgres");
    }
  }

  private void address(String field, HealthCheck check) {
    int colon = check.getAddress().lastIndexOf(':');
    if (colon <= 0 || !check.getAddress().substring(colon + 1).matches("\\d{1,5}")) {
      fail(field + ".address", "must be host:port");
    }
  }

  private void caFile(String field, HealthCheck check) {
    if (!check.getCaFile().isEmpty() && !check.getCaFile().startsWith("/")) {
      fail(field + ".caFile", "must be an absolute path");
    }
  }

  private void headerName(String field, String header) {
    if (!HEADER_NAME.matcher(header).matches()) {
      fail(field + "." + header, "is not an HTTP header name");
    }
  }

  private void watch(TargetSpec spec) {
    for (int i = 0; i < spec.getWatch().getChecksCount(); i++) {
      check("watch.checks[" + i + "]", spec.getWatch().getChecks(i));
    }
    if (spec.getWatch().getChecksCount() == 0 && spec.getHealth().getChecksCount() == 0) {
      fail("watch.checks", "needs checks to run: its own, or health.checks");
    }
    try {
      Duration interval = Durations.parse(spec.getWatch().getInterval(), null);
      if (interval != null
          && (interval.compareTo(Duration.ofSeconds(1)) < 0
              || interval.compareTo(Duration.ofDays(1)) > 0)) {
        fail("watch.interval", "must be between 1s and 24h");
      }
    } catch (IllegalArgumentException e) {
      fail("watch.interval", e.getMessage());
    }
  }

  private void notifyRule(String field, NotifyRule rule) {
    if (rule.getChannel().isBlank()) {
      fail(field + ".channel", "is required: the name of a channel configured on the notifier");
    }
    for (int i = 0; i < rule.getOnCount(); i++) {
      if (!EVENTS.contains(rule.getOn(i))) {
        fail(
            field + ".on[" + i + "]",
            "'" + rule.getOn(i) + "' is not one of: " + String.join(", ", EVENTS));
      }
    }
  }

  private void duration(String field, String text) {
    try {
      Durations.parse(text, null);
    } catch (IllegalArgumentException e) {
      fail(field, e.getMessage());
    }
  }

  /**
   * A duration that must leave time to act: a 0s timeout or interval makes a check or command
   * meaningless.
   */
  private void positiveDuration(String field, String text) {
    try {
      Duration value = Durations.parse(text, null);
      if (value != null && !value.isPositive()) {
        fail(field, "must be more than 0s");
      }
    } catch (IllegalArgumentException e) {
      fail(field, e.getMessage());
    }
  }

  private void fail(String field, String description) {
    violations.add(new Violation(field, description));
  }
}
