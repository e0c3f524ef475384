package dev.slipway.backup.store;

import dev.slipway.backup.domain.Item;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.platform.spec.AllowedRoots;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Files and directories as a tar.gz that keeps their absolute paths (stored relative to /), only
 * within the allowed roots, and restored only to the paths the item names.
 */
@Singleton
public class FileArchives {
  private final AllowedRoots roots;

  public FileArchives(@Value("${slipway.backup.allowed-roots:}") String roots) {
    this.roots = AllowedRoots.parse(roots);
  }

  public Artifacts.Written archive(
      Item.Files files, Path file, BackupCipher.Sealer sealer, StopSignal stop)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("tar", "-czf", "-", "-C", "/", "--"));
    argv.addAll(members(files));
    return Tool.run(argv, Map.of(), stop, stdout -> Artifacts.write(stdout, file, sealer));
  }

  /** Writes the item's files back where they were, and nothing else the archive might hold. */
  public void restore(Item.Files files, Path file, StopSignal stop)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("tar", "-xzf", file.toString(), "-C", "/", "--"));
    argv.addAll(members(files));
    Tool.run(argv, Map.of(), stop, stdout -> stdout.transferTo(OutputStream.nullOutputStream()));
  }

  /** How many members (files and directories) the archive holds; fails on a damaged archive. */
  public int entries(Path file, StopSignal stop) throws IOException, InterruptedException {
    return Tool.run(
        List.of("tar", "-tzf", file.toString()),
        Map.of(),
        stop,
        stdout -> {
          InputStream in = new BufferedInputStream(stdout);
          int lines = 0;
          for (int b = in.read(); b != -1; b = in.read()) {
            lines += b == '\n' ? 1 : 0;
          }
          return lines;
        });
  }

  /**
   * The item's paths as archive members, after "--" so that none can ever be read as an option of
   * tar.
   */
  private List<String> members(Item.Files files) throws IOException {
    List<String> members = new ArrayList<>();
    for (String path : files.paths()) {
      Path normal = Path.of(path).normalize();
      if (!roots.allows(normal.toString()) || !roots.allowsOnDisk(normal)) {
        throw new IOException(
            "path "
                + path
                + " is outside the directories backups may read and restore: "
                + roots
                + " (SLIPWAY_BACKUP_ALLOWED_ROOTS)");
      }
      members.add(normal.toString().substring(1));
    }
    return members;
  }
}
