package dev.slipway.orchestrator.deployments;

import java.util.Comparator;
import java.util.List;

/**
 * Hides secret values in command output before it is stored: a secret the command echoes becomes
 * ****.
 */
final class Masking {
  static final String MASK = "****";
  private final List<String> values;

  Masking(List<String> secretValues) {
    // Every line of a multi-line secret on its own, longest first, so no part of a longer one
    // survives.
    this.values =
        secretValues.stream()
            .flatMap(String::lines)
            .filter(line -> !line.isBlank())
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
  }

  String apply(String line) {
    String masked = line;
    for (String value : values) {
      masked = masked.replace(value, MASK);
    }
    return masked;
  }
}
