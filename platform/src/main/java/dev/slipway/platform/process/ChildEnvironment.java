package dev.slipway.platform.process;

import java.util.List;
import java.util.Map;

/**
 * The environment a child process starts with: nothing of the service's own (its database password,
 * its tokens) but a short allow-list, plus what the caller names.
 */
public final class ChildEnvironment {
  /** Inherited from the service, when set; everything else is left behind. */
  public static final List<String> ALLOWED =
      List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "LOGNAME");

  private ChildEnvironment() {}

  /** Replaces {@code builder}'s environment with the allow-list plus {@code extra}. */
  public static ProcessBuilder apply(ProcessBuilder builder, Map<String, String> extra) {
    Map<String, String> env = builder.environment();
    env.clear();
    for (String name : ALLOWED) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putAll(extra);
    return builder;
  }
}
