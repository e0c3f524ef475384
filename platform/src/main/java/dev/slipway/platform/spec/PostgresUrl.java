package dev.slipway.platform.spec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database to back up, as written in a target spec: {@code postgresql://user@host:port/database}.
 * User, host and database are plain names: a database name like {@code "x host=elsewhere"} would be
 * read by libpq as a connection string that points the backup at another server.
 */
public record PostgresUrl(String user, String host, int port, String database) {
  private static final Pattern FORM =
      Pattern.compile(
          "postgres(?:ql)?://([A-Za-z0-9_][A-Za-z0-9_.-]{0,62})@([A-Za-z0-9][A-Za-z0-9.-]{0,252})"
              + "(?::(\\d{1,5}))?/([A-Za-z0-9_][A-Za-z0-9_$-]{0,62})");

  /** The parsed URL, or empty when it does not have that form. */
  public static Optional<PostgresUrl> parse(String url) {
    Matcher m = FORM.matcher(url);
    if (!m.matches()) {
      return Optional.empty();
    }
    int port = m.group(3) == null ? 5432 : Integer.parseInt(m.group(3));
    return Optional.of(new PostgresUrl(m.group(1), m.group(2), port, m.group(4)));
  }
}
