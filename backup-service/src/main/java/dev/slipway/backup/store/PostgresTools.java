package dev.slipway.backup.store;

import dev.slipway.backup.domain.Item;
import dev.slipway.backup.domain.LossEstimate;
import dev.slipway.platform.process.StopSignal;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** pg_dump and pg_restore from the host, checked against the server's major version first. */
@Singleton
public class PostgresTools {
  private static final Pattern CLIENT_VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

  /** Tables counted after a deep verify, at most. */
  public static final int MOST_TABLES = 1_000;

  /** Tables estimated smaller than this are counted exactly for a loss estimate. */
  public static final long EXACT_BELOW = 100_000;

  /** How long exact counts may take in all, per database, before a backup. */
  private static final java.time.Duration COUNTING_BUDGET = java.time.Duration.ofSeconds(30);

  private final String binDir;

  public PostgresTools(@Value("${slipway.backup.pg-bin-dir:}") String binDir) {
    this.binDir = binDir;
  }

  /** Dumps the database in custom format into {@code file}. */
  public Artifacts.Written dump(
      Item.Postgres db, DbPassword password, Path file, BackupCipher.Sealer sealer, StopSignal stop)
      throws IOException, InterruptedException {
    checkClientCanServe("pg_dump", db, password, stop);
    return Tool.run(
        List.of(
            program("pg_dump"),
            "-Fc",
            "--no-password",
            "-h",
            db.host(),
            "-p",
            Integer.toString(db.port()),
            "-U",
            db.user(),
            "-d",
            db.database()),
        environment(password),
        stop,
        stdout -> Artifacts.write(stdout, file, sealer));
  }

  /**
   * Puts back exactly what the dump holds, in one transaction: each schema the dump has is dropped
   * (with what the failed release added to it) and replayed from the dump, owners and privileges
   * included; schemas the dump never had (another team's, created after the backup) are not
   * touched. A database holding Slipway's own schemas is refused. A failure anywhere rolls the
   * whole restore back.
   */
  public void restore(Item.Postgres db, DbPassword password, Path file, StopSignal stop)
      throws IOException, InterruptedException {
    checkClientCanServe("pg_restore", db, password, stop);
    refuseSlipwaysOwn(db, password);
    DumpSchemas schemas = DumpSchemas.of(toc(file, stop));
    // The plaintext restore script is the database's content: owner-only, deleted after use.
    Path script =
        Files.createTempFile(
            file.getParent(),
            "restore-",
            ".sql",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Tool.run(
          List.of(program("pg_restore"), "-f", script.toString(), "--", file.toString()),
          Map.of(),
          stop,
          PostgresTools::discard);
      Tool.run(
          List.of(
              program("psql"),
              "-X",
              "-q",
              "--no-password",
              "--single-transaction",
              "-v",
              "ON_ERROR_STOP=1",
              "-h",
              db.host(),
              "-p",
              Integer.toString(db.port()),
              "-U",
              db.user(),
              "-d",
              db.database(),
              "-c",
              schemas.prelude(),
              "-f",
              script.toString()),
          environment(password),
          stop,
          PostgresTools::discard);
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /** The dump's table of contents as {@code pg_restore --list} prints it; fails on a bad dump. */
  public String toc(Path file, StopSignal stop) throws IOException, InterruptedException {
    return Tool.run(
        List.of(program("pg_restore"), "--list", "--", file.toString()),
        Map.of(),
        stop,
        stdout -> new String(stdout.readAllBytes(), StandardCharsets.UTF_8));
  }

  /**
   * Restores the dump into a new scratch database on the item's server and counts the rows of each
   * table there (at most {@link #MOST_TABLES}); the scratch database is dropped whatever happens.
   */
  public Map<String, Long> restoreIntoScratch(
      Item.Postgres db, DbPassword password, Path file, StopSignal stop)
      throws IOException, InterruptedException {
    checkClientCanServe("pg_restore", db, password, stop);
    String scratch = "slipway_verify_" + UUID.randomUUID().toString().replace("-", "");
    Item.Postgres target =
        new Item.Postgres(db.user(), db.host(), db.port(), scratch, db.passwordSecret());
    execute(db, password, "create database " + scratch + " template template0");
    IOException failed = null;
    try {
      Tool.run(
          List.of(
              program("pg_restore"),
              "--no-password",
              "--no-owner",
              "--no-privileges",
              "--exit-on-error",
              "-h",
              db.host(),
              "-p",
              Integer.toString(db.port()),
              "-U",
              db.user(),
              "-d",
              scratch,
              "--",
              file.toString()),
          environment(password),
          stop,
          PostgresTools::discard);
      return rowCounts(target, password);
    } catch (IOException e) {
      failed = e;
      throw e;
    } finally {
      try {
        execute(db, password, "drop database if exists " + scratch + " with (force)");
      } catch (IOException dropFailed) {
        // The verify's own failure comes first; a scratch database left behind is named.
        if (failed == null) {
          throw dropFailed;
        }
        failed.addSuppressed(dropFailed);
      }
    }
  }

  /**
   * Each user table (at most {@link #MOST_TABLES}) with its rows, counted exactly below {@link
   * #EXACT_BELOW} estimated rows (each count given 5 s), and its cumulative tuple counters.
   */
  public List<LossEstimate.TableStats> tableStats(Item.Postgres db, DbPassword password)
      throws IOException {
    List<LossEstimate.TableStats> stats = new ArrayList<>();
    try (Connection c = connect(db, password);
        Statement statement = c.createStatement()) {
      statement.execute("set statement_timeout = '5s'");
      try (ResultSet each =
          statement.executeQuery(
              "select format('%I.%I', schemaname, relname), n_live_tup, n_tup_ins, n_tup_upd,"
                  + " n_tup_del from pg_stat_user_tables order by 1 limit "
                  + MOST_TABLES)) {
        while (each.next()) {
          stats.add(
              new LossEstimate.TableStats(
                  each.getString(1),
                  each.getLong(2),
                  false,
                  each.getLong(3),
                  each.getLong(4),
                  each.getLong(5)));
        }
      }
      long budgetEnds = System.nanoTime() + COUNTING_BUDGET.toNanos();
      for (int i = 0; i < stats.size(); i++) {
        LossEstimate.TableStats table = stats.get(i);
        // Past the budget the estimates stand, so counting never holds a backup up for long.
        if (table.rows() < EXACT_BELOW && System.nanoTime() < budgetEnds) {
          try (ResultSet count = statement.executeQuery("select count(*) from " + table.table())) {
            count.next();
            stats.set(
                i,
                new LossEstimate.TableStats(
                    table.table(),
                    count.getLong(1),
                    true,
                    table.inserted(),
                    table.updated(),
                    table.deleted()));
          } catch (SQLException tooSlow) {
            // The estimate stays; the loss report says it is one.
          }
        }
      }
      return stats;
    } catch (SQLException e) {
      throw new IOException("cannot count the tables of " + db.source() + ": " + e.getMessage(), e);
    }
  }

  private Map<String, Long> rowCounts(Item.Postgres db, DbPassword password) throws IOException {
    Map<String, Long> rows = new LinkedHashMap<>();
    try (Connection c = connect(db, password);
        Statement statement = c.createStatement()) {
      statement.execute("set statement_timeout = '60s'");
      List<String> tables = new ArrayList<>();
      try (ResultSet each =
          statement.executeQuery(
              "select format('%I.%I', schemaname, relname) from pg_stat_user_tables"
                  + " order by schemaname, relname limit "
                  + MOST_TABLES)) {
        while (each.next()) {
          tables.add(each.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet count = statement.executeQuery("select count(*) from " + table)) {
          count.next();
          rows.put(table, count.getLong(1));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IOException(
          "cannot count the rows restored from " + db.source() + ": " + e.getMessage(), e);
    }
  }

  private void execute(Item.Postgres db, DbPassword password, String sql) throws IOException {
    try (Connection c = connect(db, password);
        Statement statement = c.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IOException(
          "cannot run '"
              + sql
              + "' on "
              + db.source()
              + ": "
              + e.getMessage()
              + (e.getSQLState() != null && e.getSQLState().equals("42501")
                  ? " (a deep verify needs a user allowed to create databases: CREATEDB)"
                  : ""),
          e);
    }
  }

  /** A restore into Slipway's own database would overwrite the history of every release. */
  private void refuseSlipwaysOwn(Item.Postgres db, DbPassword password) throws IOException {
    try (Connection c = connect(db, password);
        Statement statement = c.createStatement();
        ResultSet row =
            statement.executeQuery(
                "select count(*) from pg_namespace n where n.nspname in"
                    + " ('orchestrator', 'backup') and exists (select 1 from pg_class r where r.relname = 'flyway_schema_history'"
                    + " and r.relnamespace = n.oid)")) {
      row.next();
      if (row.getInt(1) > 0) {
        throw new IOException(
            "refusing to restore into " + db.source() + ": it holds Slipway's own schemas");
      }
    } catch (SQLException e) {
      throw new IOException("cannot connect to " + db.source() + ": " + e.getMessage(), e);
    }
  }

  private static Void discard(InputStream stdout) throws IOException {
    stdout.transferTo(OutputStream.nullOutputStream());
    return null;
  }

  /** A client older than the server cannot dump it; say so before trying. */
  private void checkClientCanServe(
      String tool, Item.Postgres db, DbPassword password, StopSignal stop)
      throws IOException, InterruptedException {
    String versionText =
        Tool.run(
            List.of(program(tool), "--version"),
            Map.of(),
            stop,
            stdout -> new String(stdout.readAllBytes(), StandardCharsets.UTF_8));
    Matcher client = CLIENT_VERSION.matcher(versionText);
    if (!client.find()) {
      throw new IOException("cannot tell the version of " + tool + " from: " + versionText.strip());
    }
    int clientMajor = Integer.parseInt(client.group(1));
    int serverMajor = serverMajor(db, password);
    if (clientMajor < serverMajor) {
      throw new IOException(
          tool
              + " "
              + clientMajor
              + " cannot work with the PostgreSQL "
              + serverMajor
              + " server of "
              + db.source()
              + "; install PostgreSQL client "
              + serverMajor
              + " or newer on the backup-service host (or point slipway.backup.pg-bin-dir at it)");
    }
  }

  private Connection connect(Item.Postgres db, DbPassword password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", db.user());
    password.get().ifPresent(value -> properties.setProperty("password", value));
    properties.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(
        "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.database(), properties);
  }

  private int serverMajor(Item.Postgres db, DbPassword password) throws IOException {
    try (Connection c = connect(db, password);
        Statement statement = c.createStatement();
        ResultSet row = statement.executeQuery("show server_version_num")) {
      row.next();
      return Integer.parseInt(row.getString(1)) / 10_000;
    } catch (SQLException e) {
      throw new IOException("cannot connect to " + db.source() + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> environment(DbPassword password) {
    Map<String, String> env = new HashMap<>();
    password.get().ifPresent(value -> env.put("PGPASSWORD", value));
    env.put("PGCONNECT_TIMEOUT", "10");
    return env;
  }

  private String program(String name) {
    return binDir.isBlank() ? name : Path.of(binDir, name).toString();
  }
}
