package dev.slipway.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** A local stack's working directory, emptied on each start: nothing of an earlier run leaks in. */
public final class WorkDirectory {
  private WorkDirectory() {}

  /** Deletes {@code dir} with everything in it, creates it again and returns it. */
  public static Path fresh(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    return Files.createDirectories(dir);
  }
}
