package dev.slipway.backup.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import dev.slipway.backup.domain.Item;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.platform.spec.PostgresUrl;
import dev.slipway.testkit.TestInfrastructure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pg_dump and pg_restore of the host against a real PostgreSQL. */
class PostgresToolsTest {
  private static TestInfrastructure infrastructure;
  private static String jdbcUrl;
  private static Item.Postgres database;
  private final PostgresTools tools = new PostgresTools("");
  private final UUID setId = UUID.randomUUID();
  private BackupCipher cipher;

  @BeforeEach
  void newBackupKey() throws Exception {
    StreamingAeadConfig.register();
    byte[] keyset =
        TinkProtoKeysetFormat.serializeKeyset(
            KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB),
            InsecureSecretKeyAccess.get());
    cipher = new BackupCipher(() -> keyset);
  }

  @BeforeAll
  static void createDatabase() throws Exception {
    infrastructure = TestInfrastructure.shared();
    jdbcUrl = infrastructure.createDatabase("restore");
    PostgresUrl url =
        PostgresUrl.parse(
                jdbcUrl.replaceFirst(
                    "^jdbc:postgresql://", "postgresql://" + infrastructure.user() + "@"))
            .orElseThrow();
    database = new Item.Postgres(url.user(), url.host(), url.port(), url.database(), "");
  }

  @Test
  void aRestorePutsBackWhatWasBackedUpWithItsPrivilegesAndTouchesNothingElse(@TempDir Path dir)
      throws Exception {
    String reader = "journal_reader_" + UUID.randomUUID().toString().substring(0, 8);
    sql(
        "create table entries (id serial primary key, title text)",
        "insert into entries (title) values ('one'), ('two')",
        "create schema billing",
        "create table billing.invoices (id int)",
        "insert into billing.invoices values (7)",
        "create role " + reader,
        "grant usage on schema billing to " + reader,
        "grant select on entries, billing.invoices to " + reader);
    Path file = dir.resolve("backups").resolve("0-postgres.dump");

    Artifacts.Written written =
        tools.dump(database, DbPassword.NONE, file, cipher.sealer(setId, 0), unlimited());

    assertThat(written.sha256()).isEqualTo(Artifacts.sha256(file));
    assertThat(written.size()).isEqualTo(Files.size(file));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
        .as("encrypted at rest: no pg_dump header, no table name in clear")
        .doesNotContain("PGDMP")
        .doesNotContain("entries");

    // What the failed release did, and what another team did meanwhile in a schema of its own.
    sql(
        "delete from entries where title = 'one'",
        "alter table entries rename to entries_old",
        "create table posts (id int)",
        "create table billing.refunds (id int)",
        "revoke select on billing.invoices from " + reader,
        "create schema other_team",
        "create table other_team.notes (note text)",
        "insert into other_team.notes values ('keep me')");

    Path plain = cipher.decryptBeside(file, setId, 0);
    assertThat(Files.readAllBytes(plain)).startsWith("PGDMP".getBytes(StandardCharsets.US_ASCII));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)))
        .isEqualTo("rw-------");
    tools.restore(database, DbPassword.NONE, plain, unlimited());

    assertThat(query("select title from entries order by id")).containsExactly("one", "two");
    assertThat(
            query(
                "select table_schema || '.' || table_name from information_schema.tables"
                    + " where table_schema not in ('pg_catalog', 'information_schema') order by 1"))
        .as(
            "what the release added to the backed-up schemas is gone; the schema the dump never had is kept")
        .containsExactly("billing.invoices", "other_team.notes", "public.entries");
    assertThat(query("select note from other_team.notes")).containsExactly("keep me");
    assertThat(query("select last_value::text from entries_id_seq")).containsExactly("2");
    assertThat(
            query(
                "select has_table_privilege('"
                    + reader
                    + "', 'entries', 'select')::text"
                    + " || has_table_privilege('"
                    + reader
                    + "', 'billing.invoices', 'select')::text"
                    + " || has_schema_privilege('"
                    + reader
                    + "', 'billing', 'usage')::text"))
        .as("the application role has its privileges back")
        .containsExactly("truetruetrue");
    assertThat(query("select has_schema_privilege('public', 'public', 'usage')::text"))
        .containsExactly("true");
    try (var files = Files.list(plain.getParent())) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .noneMatch(name -> name.endsWith(".sql"));
    }
  }

  @Test
  void aRestoreIntoSlipwaysOwnDatabaseIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("0-postgres.dump");
    tools.dump(database, DbPassword.NONE, file, cipher.sealer(setId, 0), unlimited());
    Path plain = cipher.decryptBeside(file, setId, 0);
    sql("create schema backup", "create table backup.flyway_schema_history (version text)");
    try {
      assertThatThrownBy(() -> tools.restore(database, DbPassword.NONE, plain, unlimited()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("it holds Slipway's own schemas");
      assertThat(query("select count(*)::text from backup.flyway_schema_history"))
          .containsExactly("0");
    } finally {
      sql("drop schema backup cascade");
    }
  }

  @Test
  void aMissingClientIsNamedWithWhereToInstallIt(@TempDir Path dir) {
    PostgresTools nowhere = new PostgresTools(dir.resolve("no-client").toString());
    assertThatThrownBy(
            () ->
                nowhere.dump(
                    database,
                    DbPassword.NONE,
                    dir.resolve("x.dump"),
                    cipher.sealer(setId, 0),
                    unlimited()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("pg_dump is not installed on the backup-service host");
  }

  @Test
  void anArtifactMovedToAnotherBackupDoesNotDecrypt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("0-postgres.dump");
    tools.dump(database, DbPassword.NONE, file, cipher.sealer(setId, 0), unlimited());

    assertThatThrownBy(() -> cipher.decryptBeside(file, UUID.randomUUID(), 0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot decrypt");
    assertThatThrownBy(() -> cipher.decryptBeside(file, setId, 1)).isInstanceOf(IOException.class);
    assertThat(dir.resolve("0-postgres.dump.plain")).as("no plaintext left behind").doesNotExist();
  }

  private static void sql(String... statements) throws Exception {
    try (Connection c =
            DriverManager.getConnection(jdbcUrl, infrastructure.user(), infrastructure.password());
        Statement statement = c.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static List<String> query(String sql) throws Exception {
    try (Connection c =
            DriverManager.getConnection(jdbcUrl, infrastructure.user(), infrastructure.password());
        Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }

  private static StopSignal unlimited() {
    return StopSignal.after(Duration.ofMinutes(5), Clock.systemUTC());
  }
}
