package dev.slipway.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A server-sent-events client as the spec reads them: id, event and data fields per event. */
final class SseStream implements AutoCloseable {
  /** One event; {@code name} is "message" when the stream named none. */
  record Event(String id, String name, String data) {}

  private static final Object END = new Object();
  private final HttpResponse<InputStream> response;
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final Thread reader;

  private SseStream(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = Thread.ofVirtual().start(this::read);
  }

  static SseStream open(HttpClient http, HttpRequest request)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
      throw new AssertionError("event stream refused: " + response.statusCode() + " " + body);
    }
    return new SseStream(response);
  }

  int status() {
    return response.statusCode();
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String name = null;
      StringBuilder data = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(id, name == null ? "message" : name, data.toString()));
          }
          name = null;
          data = null;
          continue;
        }
        if (line.startsWith(":")) {
          continue;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        value = value.startsWith(" ") ? value.substring(1) : value;
        switch (field) {
          case "id" -> id = value;
          case "event" -> name = value;
          case "data" ->
              data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> {}
        }
      }
    } catch (IOException closed) {
      // The test closed the stream, or the server ended it.
    } finally {
      events.add(END);
    }
  }

  /** The next event, or null when the stream ended; fails after {@code timeout}. */
  Event next(Duration timeout) throws InterruptedException {
    Object next = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (next == null) {
      throw new AssertionError("no event within " + timeout);
    }
    if (next == END) {
      events.add(END);
      return null;
    }
    return (Event) next;
  }

  /**
   * Events up to and including the first that {@code last} matches (heartbeats left out); fails
   * when the stream ends before one does.
   */
  List<Event> until(Predicate<Event> last, Duration timeout) throws InterruptedException {
    List<Event> seen = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Event event = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (event == null) {
        throw new AssertionError("the stream ended before the awaited event, after " + seen);
      }
      if (!event.name().equals("heartbeat")) {
        seen.add(event);
      }
      if (last.test(event)) {
        return seen;
      }
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    response.body().close();
    reader.join(Duration.ofSeconds(5));
  }
}
