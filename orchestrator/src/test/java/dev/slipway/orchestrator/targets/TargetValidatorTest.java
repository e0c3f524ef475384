package dev.slipway.orchestrator.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.domain.Plan;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.platform.spec.AllowedRoots;
import dev.slipway.proto.v1.TargetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TargetValidatorTest {
  /** The first YAML block of the README, the target example it prints. */
  private static String readmeExample() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("```yaml\n") + "```yaml\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  /** The example of DESIGN.md ("Targets") as it is printed there, comments and all. */
  private static final String DESIGN_EXAMPLE =
      """
      app: journal
      environment: production
      deploy:   { command: ["./scripts/deploy.sh", "--version", "${version}"], workdir: /srv/journal, timeout: 10m }
      rollback: { command: ["./scripts/rollback.sh", "--version", "${previousVersion}"] }   # default: deploy previous version
      backup:
        items:
          - { type: postgres, url: "postgresql://journal@db:5432/journal", passwordSecret: journal-db }
          - { type: files, paths: [/srv/journal/instance] }
        keep: 10
        restoreOnRollback: true
      health:
        checks:
          - { type: http, url: "http://127.0.0.1:5000/health", expectStatus: 200, expectJson: { "$.status": "ok" } }
          - { type: tcp, address: "127.0.0.1:5432" }
        interval: 3s
        timeout: 2s
        startPeriod: 10s
        successThreshold: 2
        failureThreshold: 30
        bake: 5m
      preflight: { checks: [ { type: command, command: ["./scripts/preflight.sh"] } ] }
      approval: { required: true }          # four-eyes: approver must not be the requester
      notify:
        - { channel: ops-slack, on: [started, succeeded, failed, rolled_back] }
      """;

  @Test
  void theReadmeExampleIsValidAsPrintedAndPlansEveryPhase() throws Exception {
    TargetSpec spec = TargetDocuments.parse(readmeExample());
    TargetValidator.validate(spec);

    Plan plan = PlanFactory.plan(spec, "1.0.0", "");
    assertThat(plan.preflight()).isTrue();
    assertThat(plan.backup()).isTrue();
    assertThat(plan.restoreOnRollback()).isTrue();
    assertThat(plan.healthChecks()).isTrue();
    assertThat(plan.revertible()).isTrue();
    assertThat(plan.bake()).isTrue();
    assertThat(plan.approvals()).isEqualTo(2);
    assertThat(plan.approvalTimeout()).isEqualTo(Duration.ofHours(24));
    assertThat(plan.timeout(Phase.BAKE))
        .as("the bake, one more round of interval+timeout, 1m margin")
        .isEqualTo(Duration.ofMinutes(15).plusSeconds(5 + 60));
    assertThat(plan.timeout(Phase.DEPLOY)).isEqualTo(Duration.ofMinutes(10).plusSeconds(30));
    assertThat(plan.timeout(Phase.VERIFY))
        .as("start period + 7 rounds of interval+timeout + 1m margin")
        .isEqualTo(Duration.ofSeconds(10 + 7 * 5 + 60));
  }

  /**
   * DESIGN.md's example is the full planned spec and now parses whole; only its notify event
   * "started" is refused, since Slipway emits no such event (the README's list is what it emits).
   */
  @Test
  void theDesignExampleIsRefusedOnlyForAnEventSlipwayDoesNotEmit() {
    TargetSpec spec = TargetDocuments.parse(DESIGN_EXAMPLE);
    assertThat(spec.getApproval().getRequired()).as("required: true is one approval").isOne();
    assertThat(spec.getHealth().getBake()).isEqualTo("5m");
    assertThat(spec.getPreflight().getChecks(0).getCommandList())
        .containsExactly("./scripts/preflight.sh");
    assertThatThrownBy(() -> TargetValidator.validate(spec))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.violations())
                    .extracting(v -> v.field() + ": " + v.description())
                    .containsExactly(
                        "notify[0].on[0]: 'started' is not one of: requested, phase_started, phase_completed, succeeded,"
                            + " failed, cancelled, rolled_back, rollback_failed, queued, approval_requested,"
                            + " approval_given, approval_rejected, approval_expired, held,"
                            + " freeze_overridden, paused, resumed, unhealthy, healthy, unchecked"));
  }

  @Test
  void jsonIsAcceptedToo() {
    TargetSpec spec =
        TargetDocuments.parse(
            "{\"app\":\"shop\",\"environment\":\"qa\",\"deploy\":{\"command\":[\"true\"]}}");
    TargetValidator.validate(spec);
    assertThat(spec.getDeploy().getCommandList()).containsExactly("true");
  }

  @Test
  void everyProblemIsReportedWithItsField() {
    TargetSpec spec =
        TargetDocuments.parse(
            """
        app: ""
        environment: Prod
        deploy: { command: [], workdir: relative, timeout: soon }
        backup:
          items:
            - { type: postgres, url: "db:5432" }
            - { type: files, paths: [relative/path] }
            - { type: s3 }
          keep: -1
        health:
          checks:
            - { type: http, url: "ftp://x" }
            - { type: tcp, address: "no-port" }
          interval: 3 seconds
        notify:
          - { channel: "", on: [exploded] }
        """);

    assertThatThrownBy(() -> TargetValidator.validate(spec))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            invalid ->
                assertThat(invalid.violations())
                    .extracting(InvalidInput.Violation::field)
                    .containsExactlyInAnyOrder(
                        "app",
                        "environment",
                        "deploy.command",
                        "deploy.workdir",
                        "deploy.timeout",
                        "backup.items[0].url",
                        "backup.items[1].paths[0]",
                        "backup.items[2].type",
                        "backup.keep",
                        "health.checks[0].url",
                        "health.checks[1].address",
                        "health.interval",
                        "notify[0].channel",
                        "notify[0].on[0]"));
  }

  @Test
  void aWatchNeedsChecksAndASaneIntervalAndItsSecretsAreTheSpecs() {
    String base = "app: a\nenvironment: b\ndeploy: { command: [\"true\"] }\n";
    assertThatThrownBy(
            () ->
                TargetValidator.validate(TargetDocuments.parse(base + "watch: { interval: 5m }\n")))
        .hasMessage("watch.checks: needs checks to run: its own, or health.checks");
    assertThatThrownBy(
            () ->
                TargetValidator.validate(
                    TargetDocuments.parse(
                        base
                            + "watch: { interval: 500ms, checks: [{ type: tcp, address: nowhere }] }\n")))
        .hasMessage(
            "watch.checks[0].address: must be host:port; watch.interval: must be between 1s and"
                + " 24h");
    TargetSpec watched =
        TargetDocuments.parse(
            base
                + """
                health: { checks: [{ type: tcp, address: "127.0.0.1:5432" }] }
                watch:
                  interval: 15m
                  checks:
                    - { type: http, url: "http://127.0.0.1:5000/health", headers: { Authorization: { secret: watch-token } } }
                """);
    TargetValidator.validate(watched);
    assertThat(watched.getWatch().getChecks(0).getSecretHeadersMap())
        .containsExactly(java.util.Map.entry("Authorization", "watch-token"));
    assertThat(SpecSecrets.referencedBy(watched)).containsExactly("watch-token");
    TargetSpec byDefault =
        TargetDocuments.parse(
            base + "health: { checks: [{ type: tcp, address: \"127.0.0.1:1\" }] }\nwatch: {}\n");
    TargetValidator.validate(byDefault);
    assertThat(byDefault.hasWatch()).as("an empty watch runs the health checks every 15m").isTrue();
    assertThat(TargetDocuments.toJson(byDefault)).contains("\"watch\":{}");
  }

  @Test
  void aBlueGreenTargetNamesItsSlotsAndOnlyItMay() {
    assertThatThrownBy(
            () ->
                TargetValidator.validate(
                    TargetDocuments.parse(
                        """
                        app: a
                        environment: b
                        deploy: { command: ["deploy.sh"] }
                        rollback: { command: ["rollback.sh"] }
                        strategy: { blueGreen: { switch: { command: ["switch.sh"] } } }
                        """)))
        .hasMessage(
            "rollback: a blue-green target rolls back by switching back: remove rollback;"
                + " deploy.command: must name ${slot}: a blue-green release deploys to the idle"
                + " slot, never in place; strategy.blueGreen.switch.command: must name ${slot}: the"
                + " slot traffic moves to");
    assertThatThrownBy(
            () ->
                TargetValidator.validate(
                    TargetDocuments.parse(
                        """
                        app: a
                        environment: b
                        deploy: { command: ["deploy.sh", "${slot}"] }
                        health: { checks: [{ type: http, url: "http://app-${slot}:8080/health" }] }
                        """)))
        .hasMessage(
            "deploy.command[1]: uses ${slot}, which only a blue-green target (strategy.blueGreen)"
                + " has; health.checks[0]: uses ${slot}, which only a blue-green target"
                + " (strategy.blueGreen) has");
    TargetSpec blueGreen =
        TargetDocuments.parse(
            """
            app: a
            environment: b
            deploy: { command: ["deploy.sh", "--slot", "${slot}"] }
            strategy: { blueGreen: { switch: { command: ["switch.sh", "${slot}"] } } }
            health: { checks: [{ type: http, url: "http://app-${slot}:8080/health" }] }
            """);
    TargetValidator.validate(blueGreen);
    assertThat(PlanFactory.plan(blueGreen, "1.0.0", "blue"))
        .extracting(Plan::slot, Plan::liveSlot, Plan::revertible)
        .containsExactly("green", "blue", true);
    assertThat(PlanFactory.plan(blueGreen, "1.0.0", ""))
        .as("nothing known to serve: no slot to switch back to")
        .extracting(Plan::slot, Plan::liveSlot, Plan::revertible)
        .containsExactly("blue", "", false);
  }

  @Test
  void aRollingTargetNamesItsInstancesAndOnlyItMay() {
    assertThatThrownBy(
            () ->
                TargetValidator.validate(
                    TargetDocuments.parse(
                        """
                        app: a
                        environment: b
                        deploy: { command: ["deploy.sh"] }
                        rollback: { command: ["rollback.sh"] }
                        strategy: { rolling: { instances: [web-1, "bad name", web-1], maxUnavailable: 4 } }
                        """)))
        .hasMessage(
            "strategy.rolling.instances[1]: 'bad name' must be letters, digits, '.', '_', ':', '@'"
                + " and '-', at most 128, starting with a letter or digit;"
                + " strategy.rolling.instances[2]: 'web-1' is named twice;"
                + " strategy.rolling.maxUnavailable: must be between 1 and the number of instances,"
                + " 3 (0 means the default, 1); deploy.command: must name ${instance}: a rolling"
                + " release deploys one instance at once; rollback.command: must name ${instance}:"
                + " a rolling revert reverts one at once");
    assertThatThrownBy(
            () ->
                TargetValidator.validate(
                    TargetDocuments.parse(
                        """
                        app: a
                        environment: b
                        deploy: { command: ["deploy.sh", "${instance}"] }
                        health: { checks: [{ type: http, url: "http://${instance}:8080/health" }] }
                        strategy:
                          rolling: { instances: [a] }
                          canary: { setWeight: { command: [w, "${weight}"] }, steps: [{ weight: 100 }] }
                        """)))
        .hasMessage("strategy: is one of blueGreen, canary and rolling");
    assertThatThrownBy(
            () ->
                TargetValidator.validate(
                    TargetDocuments.parse(
                        """
                        app: a
                        environment: b
                        deploy: { command: ["deploy.sh", "${instance}"] }
                        health: { checks: [{ type: http, url: "http://${instance}:8080/health" }] }
                        """)))
        .hasMessage(
            "deploy.command[1]: uses ${instance}, which only a rolling target (strategy.rolling)"
                + " has; health.checks[0]: uses ${instance}, which only a rolling target"
                + " (strategy.rolling) has");
    TargetSpec rolling =
        TargetDocuments.parse(
            """
            app: a
            environment: b
            deploy: { command: ["deploy.sh", "${instance}", "${version}"], timeout: 1m }
            strategy: { rolling: { instances: [web-1, web-2, web-3], maxUnavailable: 2 } }
            health: { checks: [{ type: http, url: "http://${instance}:8080/health" }] }
            """);
    TargetValidator.validate(rolling);
    Plan plan = PlanFactory.plan(rolling, "1.0.0", "");
    assertThat(plan.rolling().waves()).isEqualTo(2);
    assertThat(plan.timeout(Phase.DEPLOY))
        .as("a wave deploys two instances one after the other")
        .isEqualTo(Duration.ofSeconds(150));
    assertThat(plan.timeout(Phase.REVERT))
        .as("a revert may go back over all three")
        .isEqualTo(Duration.ofSeconds(210));
  }

  @Test
  void aMissingDeployStepAndAnUnknownPlaceholderAreNamed() {
    assertThatThrownBy(
            () -> TargetValidator.validate(TargetDocuments.parse("app: a\nenvironment: b\n")))
        .hasMessageContaining("deploy: is required");
    assertThatThrownBy(
            () ->
                TargetValidator.validate(
                    TargetDocuments.parse(
                        "app: a\nenvironment: b\ndeploy: { command: [\"run\", \"${secret}\"] }\n")))
        .hasMessageContaining("deploy.command[1]: unknown placeholder ${secret}");
  }

  @Test
  void unparseableDocumentsAndUnknownFieldsAreNamed() {
    assertThatThrownBy(() -> TargetDocuments.parse("app: [unclosed"))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e -> assertThat(e.violations().getFirst().field()).isEqualTo("document"));
    assertThatThrownBy(() -> TargetDocuments.parse("- just\n- a list\n"))
        .hasMessageContaining("document: must be a mapping");
    assertThatThrownBy(
            () ->
                TargetDocuments.parse(
                    "app: a\nhealth: { checks: [ { type: http, retries: 3 } ] }\n"))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.violations().getFirst())
                    .isEqualTo(
                        new InvalidInput.Violation(
                            "health.checks[0].retries", "is not a field of HealthCheck")));
  }

  @Test
  void aSecretInEnvIsLiftedOutOfTheValuesAndNamesOnlyTheSecret() {
    TargetSpec spec =
        TargetDocuments.parse(
            """
        app: journal
        environment: production
        deploy:
          command: ["./deploy.sh"]
          env: { MODE: live, DB_PASSWORD: { secret: journal-db } }
        """);
    TargetValidator.validate(spec);
    assertThat(spec.getDeploy().getEnvMap()).containsExactly(java.util.Map.entry("MODE", "live"));
    assertThat(spec.getDeploy().getSecretEnvMap())
        .containsExactly(java.util.Map.entry("DB_PASSWORD", "journal-db"));
  }

  @Test
  void loaderVariablesBadNamesAndBadSecretReferencesAreRefused() {
    TargetSpec spec =
        TargetDocuments.parse(
            """
        app: journal
        environment: production
        deploy:
          command: ["./deploy.sh"]
          env: { LD_PRELOAD: /tmp/evil.so, "1BAD": x, KEY: { secret: "../etc/passwd" } }
        backup:
          items:
            - { type: postgres, url: "postgresql://journal@db:5432/journal", passwordSecret: "$(id)" }
        """);
    assertThatThrownBy(() -> TargetValidator.validate(spec))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.violations())
                    .extracting(InvalidInput.Violation::field)
                    .contains(
                        "deploy.env.LD_PRELOAD",
                        "deploy.env.1BAD",
                        "deploy.env.KEY.secret",
                        "backup.items[0].passwordSecret"));
  }

  @Test
  void backupItemsThatCouldRedirectABackupOrArchiveTooMuchAreRefused() {
    TargetSpec spec =
        TargetDocuments.parse(
            """
        app: journal
        environment: production
        deploy: { command: ["./deploy.sh"] }
        backup:
          items:
            - { type: postgres, url: "postgresql://journal@db:5432/journal host=evil.example" }
            - { type: postgres, url: "postgresql://-Uroot@db/journal" }
            - { type: files, paths: ["/", "etc/app", "/srv/../etc/shadow", "/srv/app/", "/srv/a\tb", "/srv/ok"] }
        """);
    assertThatThrownBy(() -> TargetValidator.validate(spec))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.violations())
                    .extracting(InvalidInput.Violation::field)
                    .containsExactly(
                        "backup.items[0].url",
                        "backup.items[1].url",
                        "backup.items[2].paths[0]",
                        "backup.items[2].paths[1]",
                        "backup.items[2].paths[2]",
                        "backup.items[2].paths[3]",
                        "backup.items[2].paths[4]"));
  }

  @Test
  void backupPathsOutsideTheConfiguredRootsAreRefusedNamingTheRoots() {
    TargetSpec spec =
        TargetDocuments.parse(
            """
        app: journal
        environment: production
        deploy: { command: ["./deploy.sh"] }
        backup:
          items:
            - { type: files, paths: ["/srv/journal/instance", "/srv/journal-other", "/etc/shadow"] }
        """);
    assertThatThrownBy(
            () ->
                TargetValidator.validate(spec, AllowedRoots.parse("/srv/journal,/var/lib/journal")))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.violations())
                    .extracting(v -> v.field() + ": " + v.description())
                    .containsExactly(
                        "backup.items[0].paths[1]: is outside the directories backups may read and restore: /srv/journal,"
                            + " /var/lib/journal (SLIPWAY_BACKUP_ALLOWED_ROOTS)",
                        "backup.items[0].paths[2]: is outside the directories backups may read and restore: /srv/journal,"
                            + " /var/lib/journal (SLIPWAY_BACKUP_ALLOWED_ROOTS)"));
  }

  @Test
  void zeroTimeoutsAndIntervalsThatMakeChecksMeaninglessAreRefused() {
    TargetSpec spec =
        TargetDocuments.parse(
            """
        app: journal
        environment: production
        deploy: { command: ["./deploy.sh"], timeout: 0s }
        health:
          checks: [ { type: tcp, address: "127.0.0.1:5000" } ]
          interval: 0s
          timeout: 0ms
          startPeriod: 0s
        """);
    assertThatThrownBy(() -> TargetValidator.validate(spec))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.violations())
                    .extracting(v -> v.field() + ": " + v.description())
                    .containsExactlyInAnyOrder(
                        "deploy.timeout: must be more than 0s",
                        "health.interval: must be more than 0s",
                        "health.timeout: must be more than 0s"));
  }
}
