package dev.slipway.orchestrator.targets;

import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.platform.db.Transactions;
import dev.slipway.proto.v1.TargetSpec;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;

/** Registering and reading targets. */
@Singleton
public class Targets {
  private final Transactions transactions;
  private final TargetRepository repository;
  private final Clock clock;

  public Targets(Transactions transactions, TargetRepository repository, Clock clock) {
    this.transactions = transactions;
    this.repository = repository;
    this.clock = clock;
  }

  /** Validates and stores a spec; an invalid one changes nothing. */
  public StoredTarget apply(TargetSpec spec) {
    TargetValidator.validate(spec);
    return transactions.inTransaction(tx -> repository.upsert(tx, spec, clock.instant()));
  }

  public StoredTarget get(String app, String environment) {
    return transactions
        .read(c -> repository.find(c, app, environment))
        .orElseThrow(() -> new NotFound("no target " + app + "/" + environment
            + "; register it with: slipway target apply -f FILE"));
  }

  public List<StoredTarget> list() {
    return transactions.read(repository::list);
  }
}
