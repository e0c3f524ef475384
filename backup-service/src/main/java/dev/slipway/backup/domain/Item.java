package dev.slipway.backup.domain;

import java.util.List;

/** One thing a target asks to have backed up. */
public sealed interface Item {
  /** A human description of the source, e.g. {@code postgres journal@db:5432/journal}. */
  String source();

  /** File ending of its artifact. */
  String extension();

  /** A PostgreSQL database, dumped with pg_dump in custom format. */
  record Postgres(String user, String host, int port, String database, String passwordSecret)
      implements Item {
    @Override
    public String source() {
      return "postgres " + user + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public String extension() {
      return "dump";
    }
  }

  /** Files and directories, archived as tar.gz with absolute paths. */
  record Files(List<String> paths) implements Item {
    public Files {
      paths = List.copyOf(paths);
    }

    @Override
    public String source() {
      return "files " + String.join(" ", paths);
    }

    @Override
    public String extension() {
      return "tar.gz";
    }
  }
}
