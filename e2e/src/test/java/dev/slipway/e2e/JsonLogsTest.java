package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.devstack.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With {@code SLIPWAY_LOG_FORMAT=json} (the e2e stack's orchestrator, backup- and health-service)
 * every line a service writes is one JSON object, and every line about a deployment carries its id
 * and target as fields; the notifier keeps the default text.
 */
class JsonLogsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyLineIsJsonAndTheLinesOfADeploymentNameItAndItsTarget() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "logged-" + UUID.randomUUID().toString().substring(0, 6);
    Path dir = Files.createTempDirectory("logged");
    Path config = Files.writeString(dir.resolve("app.conf"), "level = debug\n");
    env.apply(
        dir,
        app,
        """
        app: %s
        environment: e2e
        deploy: { command: ["sh", "-c", "echo deploying ${version}"] }
        backup: { items: [{ type: files, paths: [%s] }] }
        health:
          checks: [ { type: tcp, address: "127.0.0.1:%d" } ]
          interval: 1s
        """
            .formatted(app, config, env.stack.port(Service.ORCHESTRATOR)));
    Cli.Run release = env.deployAndWait(app, "1.0.0");
    assertThat(release.exit()).as(release.all()).isZero();
    String id = E2eEnvironment.deployment(release.out()).getId();

    for (Service service : List.of(Service.ORCHESTRATOR, Service.BACKUP, Service.HEALTH)) {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : Files.readAllLines(log(env, service))) {
        lines.add(JSON.readTree(line));
      }
      assertThat(lines).as("%s logged", service).isNotEmpty();
      assertThat(lines)
          .as("%s: every line has a time, a level, the service and a message", service)
          .allSatisfy(
              line -> {
                assertThat(line.path("@timestamp").asText()).isNotEmpty();
                assertThat(line.path("level").asText()).isNotEmpty();
                assertThat(line.path("service").asText()).isEqualTo(service.module());
                assertThat(line.has("message")).isTrue();
              });
      List<JsonNode> ofRelease =
          lines.stream().filter(line -> id.equals(line.path("deployment_id").asText())).toList();
      assertThat(ofRelease).as("%s logged the release's work", service).isNotEmpty();
      assertThat(ofRelease)
          .as("%s: the release's lines name its target", service)
          .allSatisfy(line -> assertThat(line.path("target").asText()).isEqualTo(app + "/e2e"));
      assertThat(lines.stream().filter(line -> line.path("message").asText().contains(id)))
          .as("%s: a line that mentions the release is tagged with it", service)
          .allSatisfy(line -> assertThat(line.path("deployment_id").asText()).isEqualTo(id));
    }
    assertThat(Files.readAllLines(log(env, Service.NOTIFIER)))
        .as("the notifier logs text")
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).doesNotStartWith("{"));
  }

  private static Path log(E2eEnvironment env, Service service) {
    return env.workDir.resolve("logs").resolve(service.module() + ".log");
  }
}
