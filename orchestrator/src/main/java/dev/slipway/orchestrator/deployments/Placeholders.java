package dev.slipway.orchestrator.deployments;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes ${name} in one argv element from validated values; nothing is ever interpreted by a
 * shell.
 */
final class Placeholders {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");

  private Placeholders() {}

  static String substitute(String arg, Map<String, String> values) {
    Matcher matcher = PLACEHOLDER.matcher(arg);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      matcher.appendReplacement(
          out, Matcher.quoteReplacement(value == null ? matcher.group() : value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
