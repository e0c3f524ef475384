package dev.slipway.platform.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The directories that {@code files} backup items may name, and so that a restore may write to
 * ({@code SLIPWAY_BACKUP_ALLOWED_ROOTS}, comma-separated). By default anything but "/" itself.
 */
public record AllowedRoots(List<Path> roots) {
  public static final AllowedRoots ANYWHERE = new AllowedRoots(List.of(Path.of("/")));

  public AllowedRoots {
    roots = List.copyOf(roots);
    for (Path root : roots) {
      if (!root.isAbsolute() || !root.normalize().equals(root)) {
        throw new IllegalArgumentException(
            "allowed root '" + root + "' must be an absolute, normalised path");
      }
    }
  }

  /** Parses the configured list; blank means {@link #ANYWHERE}. */
  public static AllowedRoots parse(String commaSeparated) {
    List<Path> roots =
        Arrays.stream(commaSeparated.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(Path::of)
            .toList();
    return roots.isEmpty() ? ANYWHERE : new AllowedRoots(roots);
  }

  /**
   * Whether an absolute path lies in one of the roots, component by component (/srv/a is not under
   * /srv/ab).
   */
  public boolean allows(String path) {
    Path candidate = Path.of(path).normalize();
    return candidate.isAbsolute()
        && candidate.getNameCount() > 0
        && roots.stream().anyMatch(candidate::startsWith);
  }

  /**
   * Whether the path stays in the roots on disk too: the nearest part of it that exists, with every
   * symbolic link resolved, lies in a root or above one (what does not exist yet cannot be a link).
   * A link inside a root that points elsewhere fails this.
   */
  public boolean allowsOnDisk(Path path) throws IOException {
    Path existing = path.toAbsolutePath().normalize();
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return false;
    }
    Path real = existing.toRealPath();
    return roots.stream().anyMatch(root -> real.startsWith(root) || root.startsWith(real));
  }

  @Override
  public String toString() {
    return roots.stream().map(Path::toString).collect(Collectors.joining(", "));
  }
}
