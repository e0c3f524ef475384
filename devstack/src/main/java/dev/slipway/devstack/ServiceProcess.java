package dev.slipway.devstack;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** One service running as its own JVM, started from its module's build output. */
public final class ServiceProcess implements AutoCloseable {
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);
  private final Service service;
  private final Process process;
  private final int port;
  private final ChannelCredentials credentials;
  private final Path log;

  private ServiceProcess(
      Service service, Process process, int port, ChannelCredentials credentials, Path log) {
    this.service = service;
    this.process = process;
    this.port = port;
    this.credentials = credentials;
    this.log = log;
  }

  /**
   * Starts the service; its output goes to {@code log}.
   *
   * @param credentials what {@link #awaitServing} connects with: plaintext, or TLS trusting the
   *     service's CA
   */
  public static ServiceProcess start(
      Path home,
      Service service,
      int port,
      ChannelCredentials credentials,
      Map<String, String> env,
      Map<String, String> properties,
      Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx384m");
    // The default initial heap is a 64th of the host's memory: on a large host, young collections
    // would wait until an eden of a hundred megabytes or more had been touched, all of it resident.
    command.add("-Xms32m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(classDataSharing(home, service));
    if (Runtime.version().feature() >= 23) {
      // Netty and protobuf use low-level access on purpose; newer JDKs warn about it on every
      // start.
      command.add("--enable-native-access=ALL-UNNAMED");
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-cp");
    command.add(classpath(home, service));
    command.add(service.mainClass());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    builder.environment().put(service.portVariable(), Integer.toString(port));
    return new ServiceProcess(service, builder.start(), port, credentials, log);
  }

  /** The JVM's process id. */
  public long pid() {
    return process.pid();
  }

  /** Where its gRPC server listens. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  /**
   * The module's jar and its runtime dependencies, as written by the build. The jar rather than
   * {@code target/classes}: class data sharing archives classes from jars only.
   */
  static String classpath(Path home, Service service) throws IOException {
    Path target = home.resolve(service.module()).resolve("target");
    Path dependencies = target.resolve("classpath.txt");
    Path coordinates = target.resolve("maven-archiver").resolve("pom.properties");
    if (!Files.exists(dependencies) || !Files.exists(coordinates)) {
      throw new IOException(
          service.module()
              + " is not built ("
              + dependencies
              + " is missing); build it with: ./mvnw -DskipTests package");
    }
    Properties pom = new Properties();
    try (var in = Files.newInputStream(coordinates)) {
      pom.load(in);
    }
    Path jar =
        target.resolve(pom.getProperty("artifactId") + "-" + pom.getProperty("version") + ".jar");
    return jar + java.io.File.pathSeparator + Files.readString(dependencies).strip();
  }

  /**
   * An application class-data archive per module, written by the JVM when it exits and rewritten
   * when the jars it was made from change. Loading classes from it is most of a service's start-up.
   * Its messages are off: the service's output is its log, JSON lines in production.
   */
  static List<String> classDataSharing(Path home, Service service) {
    Path archive =
        home.resolve(service.module()).resolve("target").resolve(service.module() + ".jsa");
    return List.of(
        "-XX:SharedArchiveFile=" + archive, "-XX:+AutoCreateSharedArchive", "-Xlog:cds*=off");
  }

  /**
   * Waits until the service answers its gRPC health check with SERVING. The channel is made once
   * the port accepts connections: a channel whose first connection was refused waits out gRPC's
   * reconnect backoff (about a second) before trying again, which would be measured as start-up.
   */
  public void awaitServing(Duration timeout) throws InterruptedException, IOException {
    long until = System.nanoTime() + timeout.toNanos();
    ManagedChannel channel = null;
    try {
      while (System.nanoTime() < until) {
        if (!process.isAlive()) {
          throw new IOException(
              service.module() + " exited with " + process.exitValue() + "; see " + log);
        }
        if (channel == null && accepts()) {
          channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
        }
        if (channel != null && serving(channel)) {
          return;
        }
        Thread.sleep(20);
      }
      throw new IOException(
          service.module() + " did not become ready within " + timeout + "; see " + log);
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static boolean serving(ManagedChannel channel) {
    try {
      return HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(1, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance())
              .getStatus()
          == HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException notYet) {
      return false;
    }
  }

  /**
   * Stops the service the way an operator would: SIGTERM, then SIGKILL if it has not exited within
   * {@link #STOP_TIMEOUT} (a service's own shutdown takes at most its grace, 20 s by default, and
   * the time to stop what it hands back). Returns its exit code: 143 after a graceful stop, 137
   * when it had to be killed.
   */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /** Kills the service at once, as a crash would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
  }
}
