package dev.slipway.devstack.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The demo's deploy script, written in Java so the demo needs nothing but a JDK: {@code deploy
 * --version V --port P --db JDBC_URL --workdir DIR} stops the running journal, applies the database
 * migrations up to V, writes V's config and starts V in the background. For the blue-green journal
 * {@code --slot S --port-blue P --port-green P} picks the slot's port, and {@code switch --slots
 * DIR --slot S} moves the proxy's traffic to a slot.
 */
public final class DemoControl {
  /** Migrations by version, in release order. 2.0.0's is destructive on purpose. */
  static final Map<String, List<String>> MIGRATIONS = new LinkedHashMap<>();

  static {
    MIGRATIONS.put(
        "1.0.0",
        List.of(
            "create table entries (id serial primary key, title text not null)",
            "insert into entries (title) values ('First day at the lake'), ('Notes on bread'), ('A long walk')"));
    MIGRATIONS.put(
        "1.1.0",
        List.of(
            "alter table entries add column mood text not null default 'calm'",
            "insert into entries (title, mood) values ('Shipped the mood field', 'happy')"));
    MIGRATIONS.put(
        "1.2.0",
        List.of(
            "insert into entries (title, mood) values ('Shipped through an approval and a bake',"
                + " 'proud')"));
    // Blue-green's bad release: its schema is 1.2.0's, its journal page is broken.
    MIGRATIONS.put("2.1.0", List.of());
    MIGRATIONS.put(
        "2.0.0",
        List.of(
            "delete from entries where mood = 'calm'",
            "alter table entries rename to entries_archive"));
  }

  private DemoControl() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && "switch".equals(args[0])) {
      Map<String, String> options = options(args);
      switchTo(Path.of(options.get("slots")), options.get("slot"));
      return;
    }
    if (args.length == 0 || !"deploy".equals(args[0])) {
      System.err.println(
          "usage: DemoControl deploy --version V --port P --db JDBC_URL --workdir DIR\n"
              + "       DemoControl switch --slots DIR --slot blue|green");
      System.exit(2);
    }
    Map<String, String> options = options(args);
    if (options.containsKey("slot")) {
      // Blue-green: each slot has its own port (--port-blue, --port-green) and workdir.
      options.put("port", options.get("port-" + options.get("slot")));
    }
    String version = options.get("version");
    if (!MIGRATIONS.containsKey(version)) {
      System.err.println("unknown version " + version + "; known: " + MIGRATIONS.keySet());
      System.exit(1);
    }
    Path workdir = Path.of(options.get("workdir"));
    Files.createDirectories(workdir.resolve("instance"));
    stop(workdir);
    migrate(options.get("db"), version);
    Files.writeString(
        workdir.resolve("instance").resolve("config.json"),
        "{\"version\":\"" + version + "\",\"greeting\":\"Welcome to journal " + version + "\"}\n");
    start(workdir, options);
    System.out.println("deployed journal " + version);
  }

  /** Deploys a version by hand, as a human did before Slipway took over. */
  static void deployNow(String version, int port, String jdbcUrl, Path workdir) throws Exception {
    main(
        new String[] {
          "deploy",
          "--version",
          version,
          "--port",
          Integer.toString(port),
          "--db",
          jdbcUrl,
          "--workdir",
          workdir.toString()
        });
  }

  /**
   * Moves traffic to a slot: {@code DIR/live} becomes a link to {@code DIR/SLOT}, replaced in one
   * rename so the proxy never sees it missing.
   */
  static void switchTo(Path slots, String slot) throws IOException {
    if (!Files.isDirectory(slots.resolve(slot))) {
      throw new IOException("slot " + slot + " has nothing deployed in " + slots);
    }
    Path next = slots.resolve("live.next");
    Files.deleteIfExists(next);
    Files.createSymbolicLink(next, Path.of(slot));
    Files.move(next, slots.resolve("live"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println("traffic now goes to slot " + slot);
  }

  /** The table a version reads from; 2.0.0 expects one nobody created. */
  static String requiredTable(String version) {
    return "2.0.0".equals(version) ? "posts" : "entries";
  }

  private static void stop(Path workdir) throws IOException, InterruptedException {
    Path pidFile = workdir.resolve("app.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    Optional<ProcessHandle> running = ProcessHandle.of(pid);
    if (running.isPresent()) {
      running.get().destroy();
      running.get().onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
      if (running.get().isAlive()) {
        running.get().destroyForcibly();
      }
      System.out.println("stopped journal (pid " + pid + ")");
    }
    Files.delete(pidFile);
  }

  private static void migrate(String db, String version) throws SQLException {
    try (Connection c = DriverManager.getConnection(db)) {
      try (Statement statement = c.createStatement()) {
        statement.execute("create table if not exists migrations (version text primary key)");
      }
      for (Map.Entry<String, List<String>> migration : MIGRATIONS.entrySet()) {
        if (!applied(c, migration.getKey())) {
          c.setAutoCommit(false);
          try (Statement statement = c.createStatement()) {
            for (String sql : migration.getValue()) {
              statement.execute(sql);
            }
            statement.execute(
                "insert into migrations (version) values ('" + migration.getKey() + "')");
          }
          c.commit();
          c.setAutoCommit(true);
          System.out.println("applied migration " + migration.getKey());
        }
        if (migration.getKey().equals(version)) {
          return;
        }
      }
    }
  }

  private static boolean applied(Connection c, String version) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement("select 1 from migrations where version = ?")) {
      select.setString(1, version);
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  private static void start(Path workdir, Map<String, String> options)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process app =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                DemoApp.class.getName(),
                "--version",
                options.get("version"),
                "--port",
                options.get("port"),
                "--db",
                options.get("db"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(workdir.resolve("app.log").toFile()))
            .start();
    Files.writeString(workdir.resolve("app.pid"), Long.toString(app.pid()));
    int port = Integer.parseInt(options.get("port"));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        System.out.println(
            "started journal "
                + options.get("version")
                + " (pid "
                + app.pid()
                + ") on port "
                + port);
        return;
      } catch (IOException notYet) {
        if (!app.isAlive()) {
          throw new IOException(
              "journal exited with " + app.exitValue() + "; see " + workdir.resolve("app.log"));
        }
        Thread.sleep(100);
      }
    }
    throw new IOException("journal did not open port " + port + " within 20s");
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].startsWith("--")) {
        options.put(args[i].substring(2), args[i + 1]);
      }
    }
    return options;
  }
}
