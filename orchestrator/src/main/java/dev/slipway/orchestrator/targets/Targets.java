package dev.slipway.orchestrator.targets;

import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.spec.AllowedRoots;
import dev.slipway.proto.v1.TargetSpec;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

/** Registering and reading targets. */
@Singleton
public class Targets {
  private final Transactions transactions;
  private final TargetRepository repository;
  private final Clock clock;
  private final AllowedRoots backupRoots;

  public Targets(
      Transactions transactions,
      TargetRepository repository,
      Clock clock,
      @Value("${slipway.backup.allowed-roots:}") String backupRoots) {
    this.transactions = transactions;
    this.repository = repository;
    this.clock = clock;
    this.backupRoots = AllowedRoots.parse(backupRoots);
  }

  /** Validates and stores a spec; an invalid one changes nothing. */
  public StoredTarget apply(TargetSpec spec) {
    TargetValidator.validate(spec, backupRoots);
    return transactions.inTransaction(
        tx -> {
          repository.upsert(
              spec.getApp(), spec.getEnvironment(), TargetDocuments.toJson(spec), clock.instant());
          return repository.find(spec.getApp(), spec.getEnvironment()).orElseThrow();
        });
  }

  public StoredTarget get(String app, String environment) {
    return transactions
        .read(c -> repository.find(app, environment))
        .orElseThrow(
            () ->
                new NotFound(
                    "no target "
                        + app
                        + "/"
                        + environment
                        + "; register it with: slipway target apply -f FILE"));
  }

  /** A page of targets and the token of the next one (empty on the last page). */
  public record Page(List<StoredTarget> targets, String nextPageToken) {}

  /** Keyset paging on (app, environment), so a page costs the same however many targets exist. */
  public Page list(int pageSize, String pageToken) {
    int size = pageSize <= 0 ? 100 : Math.min(pageSize, 500);
    String[] after = after(pageToken);
    List<StoredTarget> page =
        transactions.read(c -> repository.listAfter(after[0], after[1], size + 1));
    if (page.size() <= size) {
      return new Page(page, "");
    }
    TargetSpec last = page.get(size - 1).spec();
    String next =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                (last.getApp() + "/" + last.getEnvironment()).getBytes(StandardCharsets.UTF_8));
    return new Page(page.subList(0, size), next);
  }

  private static String[] after(String pageToken) {
    if (pageToken.isEmpty()) {
      return new String[] {"", ""};
    }
    try {
      String[] key =
          new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8)
              .split("/", -1);
      if (key.length == 2) {
        return key;
      }
    } catch (IllegalArgumentException e) {
      // Not base64: refused below like any other foreign token.
    }
    throw new InvalidInput("page_token", "is not a token from a previous response");
  }
}
