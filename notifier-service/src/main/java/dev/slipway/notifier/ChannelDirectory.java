package dev.slipway.notifier;

import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.grpc.ProtoTime;
import dev.slipway.proto.internal.v1.ResolvedChannel;
import dev.slipway.proto.v1.AppliedChannel;
import dev.slipway.proto.v1.ChannelSpec;
import io.grpc.Status;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels this notifier sends to: those of its configuration, and those applied as resources
 * (slipway channel apply), asked of the orchestrator every few seconds with their secrets. A
 * configured channel wins over an applied one of the same name. Reads never wait on the network.
 */
@Singleton
public class ChannelDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelDirectory.class);
  private static final Duration REFRESH = Duration.ofSeconds(5);

  /** Clocks of the orchestrator and the notifier may differ by this much. */
  private static final Duration SKEW = Duration.ofSeconds(1);

  private final Map<String, Channel> configured;
  private final Supplier<List<ResolvedChannel>> appliedChannels;
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("channel-refresh").daemon().factory());
  private volatile Map<String, Channel> applied = Map.of();
  private volatile boolean fetched;
  private volatile String[] ordered;
  private Instant lastAsked = Instant.EPOCH;
  private boolean failing;

  @Inject
  public ChannelDirectory(List<Channel> configured, OrchestratorClient orchestrator) {
    this(configured, orchestrator::channels);
  }

  /** {@code appliedChannels} asks the orchestrator once, throwing when it cannot answer. */
  ChannelDirectory(List<Channel> configured, Supplier<List<ResolvedChannel>> appliedChannels) {
    // A configured schedule that does not parse stops the notifier at start, as it always did.
    configured.forEach(Channel::policy);
    this.configured =
        configured.stream().collect(Collectors.toMap(Channel::getName, Function.identity()));
    this.appliedChannels = appliedChannels;
    this.ordered = chatChannels();
    refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The channel sent to under this name. */
  public Optional<Channel> get(String name) {
    Channel own = configured.get(name);
    return own != null ? Optional.of(own) : Optional.ofNullable(applied.get(name));
  }

  /** Whether the applied channels were read once: until then, an unknown name may be one. */
  public boolean ready() {
    return fetched;
  }

  /** The chat channels (slack), which tell people in order; kept with each read. */
  public String[] orderedChannels() {
    return ordered;
  }

  private String[] chatChannels() {
    return all().stream().filter(Channel::slack).map(Channel::getName).toArray(String[]::new);
  }

  /** Every channel sent to, by name. */
  public List<Channel> all() {
    Map<String, Channel> all = new LinkedHashMap<>(applied);
    all.putAll(configured);
    return all.values().stream().sorted(Comparator.comparing(Channel::getName)).toList();
  }

  /** Applied channels that a configured one of the same name hides. */
  public List<Channel> shadowed() {
    return applied.values().stream().filter(c -> configured.containsKey(c.getName())).toList();
  }

  /**
   * Asks the orchestrator again when one of {@code names} is not known and the channels were last
   * read before {@code since} (when the event that names them happened): a channel applied before
   * it is then found. Network: call it outside any transaction. Throws when nothing was ever read
   * and the orchestrator cannot answer, so the event is handled later rather than its deliveries
   * failing as "not configured".
   */
  public void refreshIfUnknown(Collection<String> names, Instant since) {
    if (names.stream().allMatch(name -> get(name).isPresent())) {
      return;
    }
    synchronized (this) {
      if (fetched && lastAsked.isAfter(since.plus(SKEW))) {
        return; // read after the event: a name unknown then is not a channel
      }
    }
    if (!refresh() && !fetched) {
      // UNAVAILABLE, so the consumer takes the event again later rather than dead-lettering it.
      throw Status.UNAVAILABLE
          .withDescription("the applied channels cannot be read from the orchestrator yet")
          .asRuntimeException();
    }
  }

  /** Reads the applied channels again; false when the orchestrator did not answer. */
  synchronized boolean refresh() {
    Instant asked = Instant.now();
    try {
      List<Channel> fresh = new ArrayList<>();
      for (ResolvedChannel channel : appliedChannels.get()) {
        fresh.add(of(channel));
      }
      applied = fresh.stream().collect(Collectors.toMap(Channel::getName, Function.identity()));
      ordered = chatChannels();
      fetched = true;
      lastAsked = asked;
      if (failing) {
        LOG.info("applied channels read again: {}", applied.keySet());
        failing = false;
      }
      return true;
    } catch (RuntimeException e) {
      // Whatever went wrong, the refresh keeps its schedule.
      if (!failing) {
        LOG.warn(
            "cannot read the applied channels (kept: {}): {}", applied.keySet(), e.getMessage());
        failing = true;
      }
      return false;
    }
  }

  private static Channel of(ResolvedChannel resolved) {
    AppliedChannel applied = resolved.getApplied();
    ChannelSpec spec = applied.getSpec();
    Channel channel = new Channel(spec.getName());
    channel.setType(spec.getType());
    channel.setUrl(resolved.getUrl());
    channel.setSecret(resolved.getSigningSecrets());
    channel.setRetrySchedule(spec.getRetrySchedule());
    channel.setMaxConcurrent(spec.getMaxConcurrent() == 0 ? 4 : spec.getMaxConcurrent());
    channel.setSmtpHost(spec.getSmtpHost());
    channel.setSmtpPort(spec.getSmtpPort() == 0 ? 587 : spec.getSmtpPort());
    channel.setStarttls(!spec.getPlainSmtp());
    channel.setUsername(spec.getUsername());
    channel.setPassword(resolved.getPassword());
    channel.setFrom(spec.getFrom());
    channel.setTo(String.join(",", spec.getToList()));
    channel.setSource(
        "applied revision "
            + applied.getRevision()
            + " by "
            + applied.getAppliedBy()
            + " at "
            + ProtoTime.instant(applied.getAppliedAt()));
    channel.setProblem(resolved.getProblem());
    try {
      channel.policy();
    } catch (IllegalArgumentException e) {
      channel.setProblem(e.getMessage());
    }
    Map<String, Message.Template> templates = new LinkedHashMap<>();
    spec.getTemplatesMap()
        .forEach(
            (event, t) ->
                templates.put(event, new Message.Template(t.getTitle(), t.getWhy(), t.getNext())));
    channel.setTemplates(templates);
    return channel;
  }

  @PreDestroy
  void close() {
    refresher.shutdownNow();
  }
}
