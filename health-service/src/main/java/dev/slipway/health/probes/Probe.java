package dev.slipway.health.probes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.health.domain.Check;
import dev.slipway.health.domain.CheckOutcome;
import dev.slipway.health.domain.Observation;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs checks against the real target, each within a timeout: HTTP calls, TCP connects, gRPC health
 * checks, commands and PostgreSQL queries.
 */
@Singleton
public class Probe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BODY_EXCERPT = 200;

  /** A health endpoint answers with a small document; more is not read. */
  static final int MAX_BODY = 64 * 1024;

  private final HttpClient http = clientTrusting(null);

  /** Clients kept, one per CA file; past this many, a check's client is built for it alone. */
  private static final int MAX_CA_CLIENTS = 32;

  private final Map<String, HttpClient> byCaFile = new ConcurrentHashMap<>();

  private HttpClient client(String caFile) throws CouldNotRun {
    if (caFile.isEmpty()) {
      return http;
    }
    HttpClient client = byCaFile.get(caFile);
    if (client == null) {
      client = clientTrusting(Trust.of(caFile));
      if (byCaFile.size() < MAX_CA_CLIENTS) {
        byCaFile.put(caFile, client);
      }
    }
    return client;
  }

  private static HttpClient clientTrusting(javax.net.ssl.SSLContext tls) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5));
    return (tls == null ? builder : builder.sslContext(tls)).build();
  }

  public Observation observe(Check check, Duration timeout) throws InterruptedException {
    long started = System.nanoTime();
    CommandProbe.Seen seen;
    try {
      resolve(check);
      seen =
          switch (check) {
            case Check.Http h -> http(h, timeout);
            case Check.Tcp t -> seen(tcp(t, timeout));
            case Check.Grpc g -> seen(GrpcProbe.check(g, timeout));
            case Check.Postgres p -> seen(PostgresProbe.check(p, timeout));
            case Check.Command c -> CommandProbe.check(c, timeout);
          };
    } catch (CouldNotRun e) {
      return new Observation(
          check.name(), CheckOutcome.ERRORED, e.getMessage(), millisSince(started));
    }
    long millis = millisSince(started);
    if (seen.noData()) {
      return new Observation(check.name(), CheckOutcome.NO_DATA, seen.what(), millis);
    }
    if (!seen.passed()) {
      return new Observation(check.name(), CheckOutcome.FAILED, seen.what(), millis);
    }
    String ok = "ok in " + millis + " ms" + (seen.what().isEmpty() ? "" : ": " + seen.what());
    return new Observation(check.name(), CheckOutcome.PASSED, ok, millis);
  }

  private static CommandProbe.Seen seen(String failure) {
    return failure == null
        ? new CommandProbe.Seen(true, "")
        : new CommandProbe.Seen(false, failure);
  }

  /** A host that does not resolve is a fault of the check or of DNS, never of the app. */
  private static void resolve(Check check) throws CouldNotRun {
    String host =
        switch (check) {
          case Check.Http h -> URI.create(h.url()).getHost();
          case Check.Tcp t -> t.host();
          case Check.Grpc g -> g.host();
          case Check.Postgres p -> p.host();
          case Check.Command c -> null;
        };
    if (host == null) {
      return;
    }
    try {
      InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new CouldNotRun("cannot resolve host '" + host + "'");
    }
  }

  private static long millisSince(long started) {
    return Duration.ofNanos(System.nanoTime() - started).toMillis();
  }

  /** Whether the answer is the expected one, and what it was. */
  private CommandProbe.Seen http(Check.Http check, Duration timeout)
      throws InterruptedException, CouldNotRun {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(check.url()))
            .timeout(timeout)
            .method(check.method(), HttpRequest.BodyPublishers.noBody());
    try {
      check.headers().forEach(request::header);
    } catch (IllegalArgumentException e) {
      throw new CouldNotRun("a header cannot be sent: " + e.getMessage());
    }
    HttpResponse<InputStream> response;
    try {
      response =
          client(check.caFile()).send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      return seen("no answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return seen("cannot connect: " + e);
    }
    if (response.statusCode() == 407 && check.expectStatus() != 407) {
      closeQuietly(response.body());
      throw new CouldNotRun("a proxy refused the check (HTTP 407 Proxy Authentication Required)");
    }
    boolean statusMatches = response.statusCode() == check.expectStatus();
    if (statusMatches && !check.readsBody()) {
      closeQuietly(response.body());
      return new CommandProbe.Seen(true, "HTTP " + response.statusCode());
    }
    BoundedBody.Read body =
        BoundedBody.read(response.body(), MAX_BODY, Duration.ofNanos(deadline - System.nanoTime()));
    if (!statusMatches) {
      return seen(
          "HTTP "
              + response.statusCode()
              + " (expected "
              + check.expectStatus()
              + ")"
              + (body.text().isBlank() ? "" : ": " + excerpt(body.text())));
    }
    if (body.problem().isPresent()) {
      return seen(body.problem().get() + ": " + excerpt(body.text()));
    }
    if (check.bodyRegex().isPresent() && !check.bodyRegex().get().matcher(body.text()).find()) {
      return seen("body does not match /" + check.bodyRegex().get() + "/: " + excerpt(body.text()));
    }
    String answered = "HTTP " + response.statusCode() + ": " + excerpt(body.text());
    if (check.expectJson().isEmpty()) {
      return new CommandProbe.Seen(true, answered);
    }
    JsonNode json;
    try {
      json = JSON.readTree(body.text());
    } catch (JsonProcessingException e) {
      return seen("body is not JSON: " + excerpt(body.text()));
    }
    List<String> mismatches = new ArrayList<>();
    for (Map.Entry<String, String> expected : check.expectJson().entrySet()) {
      JsonNode actual = at(json, expected.getKey());
      if (actual.isMissingNode() || !actual.asText().equals(expected.getValue())) {
        mismatches.add(
            expected.getKey()
                + " is "
                + (actual.isMissingNode() ? "missing" : "'" + actual.asText() + "'")
                + " (expected '"
                + expected.getValue()
                + "')");
      }
    }
    return mismatches.isEmpty()
        ? new CommandProbe.Seen(true, answered)
        : seen(String.join(", ", mismatches));
  }

  /** A field by a path like {@code $.status} or {@code $.db.ok}. */
  private static JsonNode at(JsonNode body, String path) {
    String stripped =
        path.startsWith("$.") ? path.substring(2) : path.startsWith("$") ? path.substring(1) : path;
    JsonNode node = body;
    for (String part : stripped.split("\\.")) {
      if (!part.isEmpty()) {
        node = node.path(part);
      }
    }
    return node;
  }

  private static String tcp(Check.Tcp check, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(check.host(), check.port()), (int) timeout.toMillis());
      return null;
    } catch (IOException e) {
      return "cannot connect to " + check.host() + ":" + check.port() + ": " + e.getMessage();
    }
  }

  private static void closeQuietly(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // Closing only stops reading what is not needed.
    }
  }

  private static String excerpt(String body) {
    String flat = body.replaceAll("\\s+", " ").strip();
    return flat.length() <= BODY_EXCERPT ? flat : flat.substring(0, BODY_EXCERPT) + "…";
  }
}
