package dev.slipway.orchestrator.errors;

import java.util.List;
import java.util.stream.Collectors;

/** Bad input, with every offending field named. Nothing was changed. */
public final class InvalidInput extends RuntimeException {
  /** One field and what is wrong with it. */
  public record Violation(String field, String description) {}

  private final List<Violation> violations;

  public InvalidInput(List<Violation> violations) {
    super(
        violations.stream()
            .map(v -> v.field() + ": " + v.description())
            .collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  public InvalidInput(String field, String description) {
    this(List.of(new Violation(field, description)));
  }

  public List<Violation> violations() {
    return violations;
  }
}
