package dev.slipway.orchestrator.rest;

import dev.slipway.orchestrator.access.Sessions;
import dev.slipway.orchestrator.access.Tokens;
import dev.slipway.orchestrator.outbox.CommitSignal;
import dev.slipway.orchestrator.outbox.EventFeed;
import dev.slipway.platform.auth.Scope;
import dev.slipway.platform.auth.TokenAuthenticator;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.GetDeploymentRequest;
import dev.slipway.proto.v1.WatchDeploymentRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Server-sent events from the event log: one deployment's ({@code id} = its sequence) or every
 * deployment's ({@code id} = a feed position). A client that reconnects with {@code Last-Event-ID}
 * (EventSource does) resumes right after the last event it got. A {@code heartbeat} event every 15
 * s keeps proxies from closing an idle stream and carries the position too; {@code end} says a
 * deployment has finished. Credentials are checked again every heartbeat interval, busy or not.
 */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "events")
public class EventStreams {
  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  private static final int MAX_FEEDS = 500;
  private static final int BATCH = 200;
  private final Semaphore feeds = new Semaphore(MAX_FEEDS);
  private final Scheduler blocking =
      Schedulers.fromExecutorService(Executors.newVirtualThreadPerTaskExecutor(), "sse");
  private final ApiChannel api;
  private final ApiAuth auth;
  private final EventFeed feed;
  private final CommitSignal signal;
  private final Tokens tokens;
  private final Sessions sessions;

  public EventStreams(
      ApiChannel api,
      ApiAuth auth,
      EventFeed feed,
      CommitSignal signal,
      Tokens tokens,
      Sessions sessions) {
    this.api = api;
    this.auth = auth;
    this.feed = feed;
    this.signal = signal;
    this.tokens = tokens;
    this.sessions = sessions;
  }

  @Get(value = "/deployments/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
  @Operation(
      summary = "A deployment's events as server-sent events, then live ones until it finishes",
      description =
          "Each event's id is its sequence (a heartbeat's: the last one sent); reconnect with"
              + " Last-Event-ID (or ?after=) to resume. Event types: deployment-event (data: a"
              + " DeploymentEvent), heartbeat, end, problem (the stream was refused or failed). A"
              + " reconnect after the end is answered 204, which stops EventSource.")
  @ApiResponse(
      responseCode = "200",
      content =
          @Content(
              mediaType = MediaType.TEXT_EVENT_STREAM,
              schema = @Schema(ref = ApiSchemas.EVENT)))
  @ApiResponse(responseCode = "204", description = "Finished, and Last-Event-ID is its last event")
  public HttpResponse<Publisher<Event<String>>> deployment(
      HttpRequest<?> request,
      @PathVariable String id,
      @Nullable @Header("Last-Event-ID") String lastEventId,
      @Nullable @QueryValue String after) {
    ApiAuth.Credentials credentials = auth.of(request);
    long from = sequence(lastEventId != null ? lastEventId : after);
    Deployment deployment = deploymentOf(credentials, id);
    if (deployment.hasFinishedAt() && from >= deployment.getLastSequence()) {
      return lastEventId != null
          ? HttpResponse.noContent()
          : HttpResponse.ok(Flux.just(end(deployment.getLastSequence())));
    }
    return HttpResponse.ok(
        Flux.<Event<String>, WatchRequest>generate(
                () -> startWatch(credentials, id, from), this::next, WatchRequest::cancel)
            .subscribeOn(blocking));
  }

  private Deployment deploymentOf(ApiAuth.Credentials credentials, String id) {
    return api.unary(DeploymentServiceGrpc::newBlockingStub, credentials)
        .getDeployment(GetDeploymentRequest.newBuilder().setDeploymentId(id).build());
  }

  private WatchRequest startWatch(ApiAuth.Credentials credentials, String id, long from) {
    WatchRequest watch = new WatchRequest(credentials, id, from);
    api.stub(DeploymentServiceGrpc::newStub, credentials)
        .watchDeployment(
            WatchDeploymentRequest.newBuilder().setDeploymentId(id).setAfterSequence(from).build(),
            watch);
    return watch;
  }

  private WatchRequest next(
      WatchRequest watch, reactor.core.publisher.SynchronousSink<Event<String>> sink) {
    if (watch.ended) {
      sink.complete();
      return watch;
    }
    Object next;
    try {
      if (System.nanoTime() >= watch.recheckAt) {
        // A revoked token or a closed session ends the stream within a heartbeat, busy or not.
        deploymentOf(watch.credentials, watch.id);
        watch.recheckAt = System.nanoTime() + HEARTBEAT.toNanos();
      }
      next = watch.received.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (StatusRuntimeException refused) {
      watch.ended = true;
      sink.next(problemEvent(refused));
      return watch;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sink.complete();
      return watch;
    }
    switch (next) {
      case null -> sink.next(heartbeat(Long.toString(watch.last)));
      case DeploymentEvent event -> {
        watch.call.request(1);
        watch.last = event.getSequence();
        sink.next(
            Event.of(ProtoJson.print(event))
                .id(Long.toString(event.getSequence()))
                .name("deployment-event"));
        watch.finished |= event.hasFinished();
      }
      case Throwable failure -> {
        watch.ended = true;
        sink.next(problemEvent(failure));
      }
      default -> {
        watch.ended = true;
        sink.next(watch.finished ? end(watch.last) : heartbeat(Long.toString(watch.last)));
      }
    }
    return watch;
  }

  /** One WatchDeployment call read one event at a time: never more than two are held. */
  private static final class WatchRequest
      implements ClientResponseObserver<WatchDeploymentRequest, DeploymentEvent> {
    private static final Object COMPLETED = new Object();
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final ApiAuth.Credentials credentials;
    final String id;
    ClientCallStreamObserver<WatchDeploymentRequest> call;
    long recheckAt = System.nanoTime() + HEARTBEAT.toNanos();
    boolean finished;
    boolean ended;
    long last;

    WatchRequest(ApiAuth.Credentials credentials, String id, long from) {
      this.credentials = credentials;
      this.id = id;
      this.last = from;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchDeploymentRequest> call) {
      this.call = call;
      call.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(DeploymentEvent event) {
      received.add(event);
    }

    @Override
    public void onError(Throwable failure) {
      received.add(failure);
    }

    @Override
    public void onCompleted() {
      received.add(COMPLETED);
    }

    void cancel() {
      call.cancel("the client closed the event stream", null);
    }
  }

  @Get(value = "/events", produces = MediaType.TEXT_EVENT_STREAM)
  @Operation(
      summary = "Every deployment's events as server-sent events, each deployment's in sequence",
      description =
          "Starts now, or after the position in Last-Event-ID (or ?after=): each event's id is its"
              + " feed position, and so is every heartbeat's, so a reconnect resumes right there"
              + " even before the first event. Needs the read scope.")
  @ApiResponse(
      responseCode = "200",
      content =
          @Content(
              mediaType = MediaType.TEXT_EVENT_STREAM,
              schema = @Schema(ref = ApiSchemas.EVENT)))
  public Publisher<Event<String>> all(
      HttpRequest<?> request,
      @Nullable @Header("Last-Event-ID") String lastEventId,
      @Nullable @QueryValue String after) {
    ApiAuth.Credentials credentials = auth.of(request);
    checkReader(credentials);
    String resume = lastEventId != null ? lastEventId : after;
    long start =
        resume == null || resume.isBlank()
            ? feed.now()
            : EventFeed.position(resume)
                .orElseThrow(
                    () ->
                        ApiProblem.badRequest(
                            "Last-Event-ID", "is not a feed position (an event's id)"));
    if (feeds.availablePermits() == 0) {
      throw tooManyFeeds();
    }
    return Flux.<Event<String>, FeedReader>generate(
            () -> new FeedReader(credentials, start, feeds.tryAcquire()),
            this::next,
            FeedReader::close)
        .subscribeOn(blocking);
  }

  private static ApiProblem tooManyFeeds() {
    return new ApiProblem(
        HttpStatus.TOO_MANY_REQUESTS,
        "resource-exhausted",
        "this orchestrator already serves " + MAX_FEEDS + " event feeds; retry shortly");
  }

  private FeedReader next(
      FeedReader reader, reactor.core.publisher.SynchronousSink<Event<String>> sink) {
    try {
      if (!reader.admitted) {
        throw tooManyFeeds();
      }
      if (System.nanoTime() >= reader.recheckAt) {
        checkReader(reader.credentials);
        reader.recheckAt = System.nanoTime() + HEARTBEAT.toNanos();
      }
      if (reader.buffer.isEmpty()) {
        reader.fill();
      }
      EventFeed.Entry entry = reader.buffer.poll();
      if (entry == null) {
        sink.next(heartbeat(Long.toString(reader.position)));
      } else {
        sink.next(
            Event.of(ProtoJson.print(entry.event()))
                .id(Long.toString(entry.position()))
                .name("deployment-event"));
      }
    } catch (ApiProblem refused) {
      sink.next(Event.of(problemJson(refused)).name("problem"));
      sink.complete();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sink.complete();
    }
    return reader;
  }

  /** One feed client's position and what it read but has not sent yet. */
  private final class FeedReader {
    final ApiAuth.Credentials credentials;
    final boolean admitted;
    final ArrayDeque<EventFeed.Entry> buffer = new ArrayDeque<>();
    long recheckAt = System.nanoTime() + HEARTBEAT.toNanos();
    long position;

    FeedReader(ApiAuth.Credentials credentials, long position, boolean admitted) {
      this.credentials = credentials;
      this.position = position;
      this.admitted = admitted;
    }

    /** Reads what follows; waits for events numbered (at most a heartbeat) when nothing does. */
    void fill() throws InterruptedException {
      long deadline = System.nanoTime() + HEARTBEAT.toNanos();
      while (System.nanoTime() < deadline) {
        long seen = signal.numbered();
        List<EventFeed.Entry> entries = feed.after(position, BATCH);
        if (!entries.isEmpty()) {
          buffer.addAll(entries);
          position = entries.getLast().position();
          return;
        }
        signal.awaitNumberedAfter(
            seen, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      }
    }

    void close() {
      if (admitted) {
        feeds.release();
      }
    }
  }

  /** The feed is for callers with the read scope; checked again at every heartbeat. */
  private void checkReader(ApiAuth.Credentials credentials) {
    Caller caller;
    try {
      caller =
          credentials.session()
              ? sessions.authenticate(credentials.bearer())
              : tokens.authenticate(credentials.bearer());
    } catch (TokenAuthenticator.Refused e) {
      throw ApiProblem.unauthenticated(e.getMessage());
    }
    if (!caller.allows(Scope.Kind.READ, null)) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN,
          "forbidden",
          "token '" + caller.name() + "' lacks the scope read (or admin)");
    }
  }

  private static long sequence(String text) {
    if (text == null || text.isBlank()) {
      return 0;
    }
    try {
      long sequence = Long.parseLong(text.strip());
      if (sequence >= 0) {
        return sequence;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiProblem.badRequest("Last-Event-ID", "must be an event's sequence (0 or more)");
  }

  private static Event<String> heartbeat(String id) {
    return Event.of("{}").id(id).name("heartbeat");
  }

  private static Event<String> end(long lastSequence) {
    return Event.of("{\"lastSequence\":\"" + lastSequence + "\"}").name("end");
  }

  private static Event<String> problemEvent(Throwable failure) {
    ApiProblem problem =
        failure instanceof StatusRuntimeException grpc
            ? ApiProblem.of(grpc)
            : new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", failure.toString());
    return Event.of(problemJson(problem)).name("problem");
  }

  private static String problemJson(ApiProblem problem) {
    return "{\"type\":\""
        + problem.type()
        + "\",\"status\":"
        + problem.status().getCode()
        + ",\"detail\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(problem.getMessage())
        + "}";
  }
}
