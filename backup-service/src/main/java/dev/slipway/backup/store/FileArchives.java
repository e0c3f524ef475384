package dev.slipway.backup.store;

import dev.slipway.backup.domain.Item;
import dev.slipway.platform.process.StopSignal;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Files and directories as a tar.gz that keeps their absolute paths (stored relative to /). */
@Singleton
public class FileArchives {
  public Artifacts.Written archive(Item.Files files, Path file, BackupCipher.Sealer sealer, StopSignal stop)
      throws IOException, InterruptedException {
    // Paths after "--", so that none can ever be read as an option of tar.
    List<String> argv = new ArrayList<>(List.of("tar", "-czf", "-", "-C", "/", "--"));
    files.paths().forEach(path -> argv.add(path.replaceFirst("^/+", "")));
    return Tool.run(argv, Map.of(), stop, stdout -> Artifacts.write(stdout, file, sealer));
  }

  /** Writes the archived files back where they were. */
  public void restore(Path file, StopSignal stop) throws IOException, InterruptedException {
    Tool.run(List.of("tar", "-xzf", file.toString(), "-C", "/"), Map.of(), stop,
        stdout -> stdout.transferTo(OutputStream.nullOutputStream()));
  }
}
