package dev.slipway.orchestrator.channels;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.errors.Refused;
import dev.slipway.orchestrator.secrets.SecretStore;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.grpc.ProtoTime;
import dev.slipway.proto.internal.v1.ResolvedChannel;
import dev.slipway.proto.v1.AppliedChannel;
import dev.slipway.proto.v1.ChannelSpec;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * Notification channels applied as resources. They name their secrets; the values go only to the
 * notifier-service, resolved each time it asks, so a rotated secret is used from its next look.
 */
@Singleton
public class Channels {
  private final Transactions transactions;
  private final ChannelRepository repository;
  private final SecretStore secrets;
  private final Clock clock;

  /** As many as one answer to the notifier holds, with every secret at its largest. */
  static final int MAX_CHANNELS = 200;

  static final int MAX_SECRET_BYTES = 4_096;

  public Channels(
      Transactions transactions, ChannelRepository repository, SecretStore secrets, Clock clock) {
    this.transactions = transactions;
    this.repository = repository;
    this.secrets = secrets;
    this.clock = clock;
  }

  /** Checks and stores {@code document} (YAML or JSON) as a channel. */
  public AppliedChannel apply(String document, String by) {
    return apply(ChannelSpecs.parse(document), by);
  }

  public AppliedChannel apply(ChannelSpec given, String by) {
    ChannelSpec spec = ChannelSpecs.check(given, secrets::exists);
    return transactions.inTransaction(
        c -> {
          if (repository.find(spec.getName()).isEmpty() && repository.count() >= MAX_CHANNELS) {
            throw new Refused(
                "there are "
                    + MAX_CHANNELS
                    + " applied channels already, as many as the notifier reads; delete one first");
          }
          repository.upsert(spec.getName(), json(spec), by, clock.instant());
          return applied(repository.find(spec.getName()).orElseThrow());
        });
  }

  public AppliedChannel delete(String name) {
    return transactions.inTransaction(
        c -> {
          AppliedChannel gone =
              repository
                  .find(name)
                  .map(Channels::applied)
                  .orElseThrow(
                      () ->
                          new NotFound(
                              "no applied channel '"
                                  + name.replaceAll("\\p{Cntrl}", "?")
                                  + "' (slipway channel list shows where each is defined)"));
          repository.delete(name);
          return gone;
        });
  }

  /** Every applied channel with the values of the secrets it names, for the notifier. */
  public List<ResolvedChannel> resolved() {
    List<ChannelRow> rows = transactions.read(c -> repository.list(MAX_CHANNELS));
    return rows.stream().map(this::resolve).toList();
  }

  /** One channel as the notifier sends to it; what keeps it from being used is its problem. */
  private ResolvedChannel resolve(ChannelRow row) {
    ResolvedChannel.Builder resolved = ResolvedChannel.newBuilder();
    try {
      AppliedChannel applied = applied(row);
      ChannelSpec spec = applied.getSpec();
      resolved.setApplied(applied);
      String url = spec.getUrlSecret().isEmpty() ? spec.getUrl() : value(spec.getUrlSecret());
      if (!spec.getType().equals("email") && !ChannelSpecs.httpUrl(url)) {
        return resolved
            .setProblem("the secret url_secret names does not hold an http(s) URL")
            .build();
      }
      return resolved
          .setUrl(url)
          .setSigningSecrets(value(spec.getSigningSecret()))
          .setPassword(value(spec.getPasswordSecret()))
          .build();
    } catch (RuntimeException e) {
      // One channel that cannot be read keeps none of the others from being sent to.
      return resolved
          .clearUrl()
          .clearSigningSecrets()
          .clearPassword()
          .setProblem(
              e instanceof NotFound
                  ? e.getMessage()
                  : "cannot be read: " + e.getClass().getSimpleName())
          .build();
    }
  }

  private String value(String secret) {
    if (secret.isEmpty()) {
      return "";
    }
    byte[] value = secrets.reveal(secret);
    if (value.length > MAX_SECRET_BYTES) {
      throw new NotFound(
          "the secret '"
              + secret
              + "' is longer than "
              + MAX_SECRET_BYTES
              + " bytes for a channel");
    }
    return new String(value, StandardCharsets.UTF_8).strip();
  }

  private static AppliedChannel applied(ChannelRow row) {
    ChannelSpec.Builder spec = ChannelSpec.newBuilder();
    try {
      JsonFormat.parser().merge(row.specJson(), spec);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("channel " + row.name() + " is stored unreadable", e);
    }
    return AppliedChannel.newBuilder()
        .setSpec(spec)
        .setRevision(row.revision())
        .setAppliedBy(row.appliedBy())
        .setAppliedAt(ProtoTime.of(row.appliedAt()))
        .build();
  }

  private static String json(ChannelSpec spec) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(spec);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
