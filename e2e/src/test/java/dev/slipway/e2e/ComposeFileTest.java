package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs where these tests do, so docker-compose.yml is checked as a file: every
 * service is healthy-checked and restarted, waits for what it needs, reads only variables its
 * application configuration defines, listens where its health check and peers look, and holds no
 * secret inline.
 */
class ComposeFileTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(SLIPWAY_[A-Z_]+)");
  private static final Pattern INTERPOLATED = Pattern.compile("\\$\\{[A-Z_]+:\\?[^}]+}");
  private static final Map<String, String> MODULES =
      Map.of(
          "orchestrator", "orchestrator",
          "health", "health-service",
          "backup", "backup-service",
          "notifier", "notifier-service");
  private static final Map<String, Integer> PORTS =
      Map.of("orchestrator", 9090, "backup", 9091, "health", 9092, "notifier", 9093);

  @Test
  void everyServiceIsCheckedRestartedAndConfiguredAsItsApplicationReadsIt() throws Exception {
    Map<String, Map<String, Object>> services = services("docker-compose.yml");
    assertThat(services.keySet())
        .containsExactlyInAnyOrder(
            "postgres",
            "kafka",
            "topics",
            "orchestrator",
            "tokens",
            "health",
            "backup",
            "notifier");

    for (String name :
        List.of("postgres", "kafka", "orchestrator", "health", "backup", "notifier")) {
      Map<String, Object> service = services.get(name);
      assertThat(service.get("restart")).as(name + " restart").isEqualTo("unless-stopped");
      assertThat(service).as(name + " health check").containsKey("healthcheck");
    }
    assertThat(services.get("postgres").get("image")).isEqualTo("postgres:16");
    assertThat(test(services.get("postgres"))).contains("pg_isready", "-h", "127.0.0.1");
    assertThat(services.get("kafka").get("image").toString()).startsWith("apache/kafka:");
    assertThat(environment(services.get("kafka")))
        .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
        .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
    assertThat(String.join("\n", command(services.get("topics"))))
        .contains("slipway.deployments.v1 slipway.deployments.v1.dlq")
        .contains("--partitions 6");

    for (Map.Entry<String, String> entry : MODULES.entrySet()) {
      String name = entry.getKey();
      Map<String, Object> service = services.get(name);
      Map<String, String> environment = environment(service);
      Set<String> defined = variables(entry.getValue());
      assertThat(environment.keySet())
          .as(name + " sets only variables its application.yml reads")
          .allMatch(defined::contains);
      int port = PORTS.get(name);
      assertThat(test(service))
          .as(name + " is probed where it listens")
          .contains("dev.slipway.platform.grpc.HealthProbe", "127.0.0.1:" + port);
      assertThat(environment)
          .containsEntry("SLIPWAY_GRPC_HOST", "0.0.0.0")
          .containsEntry("SLIPWAY_HTTP_HOST", "0.0.0.0");
      Map<String, Object> args = map(map(service.get("build")).get("args"));
      assertThat(args.get("MODULE")).isEqualTo(entry.getValue());
      assertThat(
              ROOT.resolve(entry.getValue())
                  .resolve("src/main/java")
                  .resolve(args.get("MAIN").toString().replace('.', '/') + ".java"))
          .as(name + "'s main class")
          .exists();
      assertThat(service.get("stop_grace_period"))
          .as(name + " is given the time its graceful shutdown takes")
          .isEqualTo("45s");
      assertThat(depends(service))
          .containsEntry("postgres", "service_healthy")
          .containsEntry("topics", "service_completed_successfully");
      if (!name.equals("orchestrator")) {
        assertThat(depends(service)).containsEntry("tokens", "service_completed_successfully");
        assertThat(environment)
            .containsEntry(
                "SLIPWAY_ORCHESTRATOR_ADDRESS", "orchestrator:" + PORTS.get("orchestrator"))
            .containsKey("SLIPWAY_SERVICE_TOKEN_FILE");
      }
    }
    Map<String, String> orchestrator = environment(services.get("orchestrator"));
    for (String worker : List.of("health", "backup", "notifier")) {
      assertThat(orchestrator)
          .containsEntry(
              "SLIPWAY_" + worker.toUpperCase() + "_ADDRESS", worker + ":" + PORTS.get(worker));
    }
    assertThat(environment(services.get("backup")))
        .containsEntry("SLIPWAY_PG_BIN_DIR", "/usr/lib/postgresql/16/bin");
    assertThat(map(map(services.get("backup").get("build")).get("args")))
        .containsEntry("PG_CLIENT", "postgresql-client-16");
  }

  @Test
  void nothingSecretIsInline() throws Exception {
    for (Map.Entry<String, Map<String, Object>> service :
        services("docker-compose.yml").entrySet()) {
      environment(service.getValue())
          .forEach(
              (key, value) -> {
                if (key.matches(".*(PASSWORD|TOKEN|SECRET).*") && !key.endsWith("_FILE")) {
                  assertThat(value)
                      .as(service.getKey() + " " + key + " comes from the environment")
                      .matches(INTERPOLATED);
                }
              });
    }
  }

  @Test
  void theReplicaOverrideDoublesEveryServiceOfTheBase() throws Exception {
    Map<String, Map<String, Object>> base = services("docker-compose.yml");
    Map<String, Map<String, Object>> replicas = services("docker-compose.replicas.yml");
    assertThat(map(replicas.get("orchestrator-2").get("extends")))
        .containsEntry("service", "orchestrator");
    assertThat((List<?>) replicas.get("orchestrator-2").get("ports"))
        .as("one host port is the first orchestrator's")
        .isEmpty();
    for (String worker : List.of("health", "backup", "notifier")) {
      assertThat(base).containsKey(worker);
      assertThat(map(replicas.get(worker).get("deploy"))).containsEntry("replicas", 2);
    }
  }

  /** The services of a compose file; compose's own merge tags are read as plain values. */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services(String file) throws IOException {
    String text =
        Files.readString(ROOT.resolve(file)).replace("!reset ", "").replace("!override ", "");
    Map<String, Object> compose = new Yaml(new LoaderOptions()).load(text);
    return (Map<String, Map<String, Object>>) compose.get("services");
  }

  /** Every SLIPWAY_ variable a module's application.yml reads. */
  private static Set<String> variables(String module) throws IOException {
    String config =
        Files.readString(ROOT.resolve(module).resolve("src/main/resources/application.yml"));
    Set<String> names = new TreeSet<>();
    Matcher m = VARIABLE.matcher(config);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> environment = new java.util.LinkedHashMap<>();
    Object given = service.get("environment");
    if (given != null) {
      map(given).forEach((k, v) -> environment.put(k, String.valueOf(v)));
    }
    return environment;
  }

  private static Map<String, String> depends(Map<String, Object> service) {
    Map<String, String> depends = new java.util.LinkedHashMap<>();
    map(service.get("depends_on"))
        .forEach((k, v) -> depends.put(k, map(v).get("condition").toString()));
    return depends;
  }

  @SuppressWarnings("unchecked")
  private static List<String> test(Map<String, Object> service) {
    return new ArrayList<>((List<String>) map(service.get("healthcheck")).get("test"));
  }

  @SuppressWarnings("unchecked")
  private static List<String> command(Map<String, Object> service) {
    return (List<String>) service.get("command");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }
}
