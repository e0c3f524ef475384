package dev.slipway.backup.store;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schemas a database dump holds, from its table of contents ({@code pg_restore -l}): those it
 * creates ({@code SCHEMA - name owner}), and {@code public}, which a dump fills but never creates.
 */
record DumpSchemas(Set<String> created, boolean usesPublic) {
  private static final Pattern SCHEMA_ENTRY =
      Pattern.compile("^\\d+; \\d+ \\d+ SCHEMA - (.+) \\S+$");

  /** An entry's type is in capitals; the schema after it is not, as pg_dump prints it. */
  private static final Pattern IN_PUBLIC =
      Pattern.compile("^\\d+; \\d+ \\d+ [A-Z][A-Z ]* public \\S.*$");

  static DumpSchemas of(String tableOfContents) {
    Set<String> created = new LinkedHashSet<>();
    boolean usesPublic = false;
    for (String line : tableOfContents.split("\n")) {
      if (line.startsWith(";")) {
        continue;
      }
      Matcher schema = SCHEMA_ENTRY.matcher(line.strip());
      if (schema.matches()) {
        created.add(schema.group(1));
      } else if (IN_PUBLIC.matcher(line.strip()).matches()) {
        usesPublic = true;
      }
    }
    return new DumpSchemas(created, usesPublic && !created.contains("public"));
  }

  /**
   * SQL that clears what the dump will put back: its schemas, dropped; public, made empty again.
   */
  String prelude() {
    StringBuilder sql = new StringBuilder("set lock_timeout = '30s';");
    for (String schema : created) {
      sql.append(" drop schema if exists ").append(quote(schema)).append(" cascade;");
    }
    if (usesPublic) {
      // Recreated with the owner and privileges it had, which the dump does not restate.
      sql.append(" do $$ declare owner text; grants text; begin")
          .append(
              " select nspowner::regrole::text, coalesce(array_to_string(nspacl, ','), '') into owner, grants")
          .append(" from pg_namespace where nspname = 'public';")
          .append(" drop schema if exists public cascade; create schema public;")
          .append(
              " if owner is not null then execute format('alter schema public owner to %s', owner); end if;")
          .append(
              " if grants ~ '(^|,)=[A-Za-z]*U' then grant usage on schema public to public; end if;")
          .append(
              " if grants ~ '(^|,)=[A-Za-z]*C' then grant create on schema public to public; end if;")
          .append(" end $$;");
    }
    return sql.toString();
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
