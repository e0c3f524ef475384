package dev.slipway.backup.store;

import java.util.Optional;

/** A database password on its way to a tool's environment; it never prints. */
public record DbPassword(String value) {
  public static final DbPassword NONE = new DbPassword(null);

  public Optional<String> get() {
    return Optional.ofNullable(value);
  }

  @Override
  public String toString() {
    return value == null ? "DbPassword[none]" : "DbPassword[****]";
  }
}
