package dev.slipway.platform.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One permission a token carries: a kind and, for kinds that act on an environment, a glob of
 * environments ({@code deploy:staging}, {@code deploy:prod-*}, {@code rollback:*}).
 */
public record Scope(Kind kind, String environments) {
  private static final Pattern ENVIRONMENT_GLOB = Pattern.compile("[a-z0-9*][a-z0-9*-]{0,62}");

  /** What a scope allows. */
  public enum Kind {
    /** Read deployments, targets and history. */
    READ("read", false),
    /** Start deployments in matching environments. */
    DEPLOY("deploy", true),
    /** Start manual rollbacks in matching environments. */
    ROLLBACK("rollback", true),
    /** Cancel deployments in matching environments. */
    CANCEL("cancel", true),
    /** Approve deployments in matching environments. */
    APPROVE("approve", true),
    /** Deploy inside a freeze window of matching environments. */
    FREEZE_OVERRIDE("freeze:override", true),
    /** Targets, tokens, secrets, channels; and every other user scope. */
    ADMIN("admin", false),
    /** Service-to-service calls of Slipway's own workers; implied by nothing, implies nothing. */
    INTERNAL("internal", false);

    private final String text;
    private final boolean perEnvironment;

    Kind(String text, boolean perEnvironment) {
      this.text = text;
      this.perEnvironment = perEnvironment;
    }

    public String text() {
      return text;
    }

    public boolean perEnvironment() {
      return perEnvironment;
    }
  }

  public Scope {
    if (kind.perEnvironment() != (environments != null)) {
      throw new IllegalArgumentException(
          kind.text()
              + (kind.perEnvironment()
                  ? " needs an environment: " + kind.text() + ":<env> (a glob such as prod-* or *)"
                  : " takes no environment"));
    }
  }

  /** Parses {@code read}, {@code admin}, {@code deploy:staging}, {@code freeze:override:prod-*}. */
  public static Scope parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    for (Kind kind : Kind.values()) {
      if (value.equals(kind.text())) {
        return new Scope(kind, null);
      }
      if (kind.perEnvironment() && value.startsWith(kind.text() + ":")) {
        String environments = value.substring(kind.text().length() + 1);
        if (!ENVIRONMENT_GLOB.matcher(environments).matches()) {
          throw new IllegalArgumentException(
              "'"
                  + environments
                  + "' is not an environment or glob: lowercase letters, digits, '-' and '*'");
        }
        return new Scope(kind, environments);
      }
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is not a scope; scopes are read, admin, internal, "
            + "deploy:<env>, rollback:<env>, cancel:<env>, approve:<env>, freeze:override:<env>");
  }

  /**
   * Whether this scope grants {@code needed} in {@code environment} (null: in some environment).
   */
  public boolean grants(Kind needed, String environment) {
    if (kind == Kind.ADMIN && needed != Kind.INTERNAL) {
      return true;
    }
    if (kind != needed) {
      return false;
    }
    return !kind.perEnvironment() || environment == null || glob(environments, environment);
  }

  private static boolean glob(String pattern, String environment) {
    String regex =
        Arrays.stream(pattern.split("\\*", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*"));
    return Pattern.matches(regex, environment);
  }

  @Override
  public String toString() {
    return environments == null ? kind.text() : kind.text() + ":" + environments;
  }
}
