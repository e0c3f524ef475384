package dev.slipway.devstack;

import io.grpc.ChannelCredentials;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The four services running against one PostgreSQL and one Kafka, each as its own JVM. */
public final class Stack implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  /** The orchestrator's HTTP port in {@code ./slipway dev}, when free. */
  private static final int ORCHESTRATOR_HTTP_PORT = 8080;

  private final Path home;
  private final Path workDir;
  private final Infrastructure infrastructure;
  private final Map<Service, Map<String, String>> properties;
  private final StackTls tls;
  private final ChannelCredentials clientCredentials;
  private final Map<Service, ServiceProcess> processes = new EnumMap<>(Service.class);
  private final Map<Service, Integer> ports = new EnumMap<>(Service.class);
  private final Map<Service, Integer> httpPorts = new EnumMap<>(Service.class);
  private final List<ServiceProcess> replicas = new ArrayList<>();

  private Stack(
      Path home,
      Path workDir,
      Infrastructure infrastructure,
      Map<Service, Map<String, String>> properties,
      StackTls tls)
      throws IOException {
    this.home = home;
    this.workDir = workDir;
    this.infrastructure = infrastructure;
    this.properties = properties;
    this.tls = tls;
    this.clientCredentials = StackTls.clientCredentials(tls);
  }

  /** Starts every service over plaintext gRPC and waits until all serve. */
  public static Stack start(
      Path home,
      Path workDir,
      Infrastructure infrastructure,
      Map<Service, Map<String, String>> properties,
      int orchestratorPort)
      throws IOException, InterruptedException {
    return start(home, workDir, infrastructure, properties, orchestratorPort, null);
  }

  /**
   * Starts every service and waits until all serve.
   *
   * @param home the repository root, where each module's build output is
   * @param workDir where logs and backups go
   * @param properties extra configuration per service (system properties)
   * @param orchestratorPort the orchestrator's port when free (0: any free port)
   * @param tls TLS on every server and client, or null for plaintext
   */
  public static Stack start(
      Path home,
      Path workDir,
      Infrastructure infrastructure,
      Map<Service, Map<String, String>> properties,
      int orchestratorPort,
      StackTls tls)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir.resolve("logs"));
    Stack stack = new Stack(home, workDir, infrastructure, properties, tls);
    for (Service service : Service.values()) {
      stack.ports.put(service, freePort());
      stack.httpPorts.put(service, freePort());
    }
    if (orchestratorPort != 0 && isFree(orchestratorPort)) {
      stack.ports.put(Service.ORCHESTRATOR, orchestratorPort);
    }
    if (orchestratorPort != 0 && isFree(ORCHESTRATOR_HTTP_PORT)) {
      stack.httpPorts.put(Service.ORCHESTRATOR, ORCHESTRATOR_HTTP_PORT);
    }
    try {
      // The orchestrator first: on its first start it writes the admin token, which then creates
      // each worker's own service token.
      stack.launch(Service.ORCHESTRATOR).awaitServing(START_TIMEOUT);
      List<ServiceProcess> started = new ArrayList<>();
      try (ServiceTokens tokens =
          new ServiceTokens(
              stack.orchestratorAddress(), stack.clientCredentials, stack.adminTokenFile())) {
        for (Service service : Service.values()) {
          if (service != Service.ORCHESTRATOR) {
            tokens.issue(service.module(), stack.serviceTokenFile(service));
            started.add(stack.launch(service));
          }
        }
      }
      for (ServiceProcess process : started) {
        process.awaitServing(START_TIMEOUT);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  private ServiceProcess launch(Service service) throws IOException {
    ServiceProcess process =
        launch(
            service,
            ports.get(service),
            httpPorts.get(service),
            orchestratorAddress(),
            workDir.resolve("logs").resolve(service.module() + ".log"));
    processes.put(service, process);
    return process;
  }

  /**
   * Starts one more replica of a service, on ports of its own, against the same database, Kafka and
   * backup directory; its log is {@code logs/<module>-<n>.log}. A worker replica reports to {@code
   * orchestrator}; the orchestrator's replicas pass calls through to the first of each worker.
   * Stopped with the stack.
   */
  public ServiceProcess startReplica(Service service, String orchestrator)
      throws IOException, InterruptedException {
    int n = replicas.size() + 2;
    ServiceProcess replica =
        launch(
            service,
            freePort(),
            freePort(),
            orchestrator,
            workDir.resolve("logs").resolve(service.module() + "-" + n + ".log"));
    replicas.add(replica);
    replica.awaitServing(START_TIMEOUT);
    return replica;
  }

  private ServiceProcess launch(
      Service service, int port, int httpPort, String orchestrator, Path log) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("SLIPWAY_DB_URL", infrastructure.jdbcUrl());
    env.put("SLIPWAY_DB_USER", infrastructure.user());
    env.put("SLIPWAY_DB_PASSWORD", infrastructure.password());
    env.put("SLIPWAY_KAFKA_BOOTSTRAP", infrastructure.kafkaBootstrap());
    env.put("SLIPWAY_ORCHESTRATOR_ADDRESS", orchestrator);
    env.put("SLIPWAY_BACKUP_DIR", workDir.resolve("backups").toString());
    env.put("SLIPWAY_HTTP_PORT", Integer.toString(httpPort));
    if (tls != null) {
      env.putAll(tls.environment());
    }
    if (service == Service.ORCHESTRATOR) {
      env.put("SLIPWAY_MASTER_KEY_FILE", workDir.resolve("master-key.json").toString());
      env.put("SLIPWAY_BOOTSTRAP_TOKEN_FILE", adminTokenFile().toString());
      env.put("SLIPWAY_HEALTH_ADDRESS", "127.0.0.1:" + ports.get(Service.HEALTH));
      env.put("SLIPWAY_BACKUP_ADDRESS", "127.0.0.1:" + ports.get(Service.BACKUP));
      env.put("SLIPWAY_NOTIFIER_ADDRESS", "127.0.0.1:" + ports.get(Service.NOTIFIER));
    } else {
      env.put("SLIPWAY_SERVICE_TOKEN_FILE", serviceTokenFile(service).toString());
    }
    return ServiceProcess.start(
        home,
        service,
        port,
        clientCredentials,
        env,
        properties.getOrDefault(service, Map.of()),
        log);
  }

  /**
   * Starts a service again after {@link #stop} or a crash, with the same port and configuration.
   */
  public void restart(Service service) throws IOException, InterruptedException {
    launch(service).awaitServing(START_TIMEOUT);
  }

  /**
   * Stops a service the way an operator would (SIGTERM, a grace period, then SIGKILL); returns its
   * exit code, or -1 when it was not running.
   */
  public int stop(Service service) throws InterruptedException {
    ServiceProcess process = processes.remove(service);
    return process == null ? -1 : process.stop();
  }

  public void kill(Service service) throws InterruptedException {
    ServiceProcess process = processes.remove(service);
    if (process != null) {
      process.kill();
    }
  }

  /** The running first instance of a service, if it runs. */
  public java.util.Optional<ServiceProcess> process(Service service) {
    return java.util.Optional.ofNullable(processes.get(service));
  }

  /** The first admin token, written by the orchestrator on its first start (owner-only). */
  public Path adminTokenFile() {
    return workDir.resolve("admin.token");
  }

  private Path serviceTokenFile(Service service) {
    return workDir.resolve(service.module() + ".token");
  }

  public String orchestratorAddress() {
    return "127.0.0.1:" + ports.get(Service.ORCHESTRATOR);
  }

  public int port(Service service) {
    return ports.get(service);
  }

  /** The port of the service's management HTTP server ({@code /health}, {@code /prometheus}). */
  public int httpPort(Service service) {
    return httpPorts.get(service);
  }

  /**
   * A port free now, below the kernel's ephemeral range (Linux: from 32768): a port the kernel
   * hands out could be taken by any outgoing connection before the service binds it. Never the same
   * port twice in this JVM.
   */
  public static int freePort() throws IOException {
    for (int tries = 0; tries < 1_000; tries++) {
      int port = PORTS_FROM + RANDOM.nextInt(PORTS_TO - PORTS_FROM);
      if (isFree(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IOException("no free port between " + PORTS_FROM + " and " + PORTS_TO);
  }

  private static final int PORTS_FROM = 20_000;
  private static final int PORTS_TO = 32_000;
  private static final Random RANDOM = new SecureRandom();
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (ServiceProcess replica : List.copyOf(replicas)) {
      replica.close();
    }
    replicas.clear();
    for (ServiceProcess process : List.copyOf(processes.values())) {
      process.close();
    }
    processes.clear();
  }
}
