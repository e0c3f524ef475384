package dev.slipway.orchestrator.gates;

import dev.slipway.orchestrator.domain.Freeze;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Which freeze window is in force on an environment at an instant, and until when. */
public final class FreezeCalendar {
  /**
   * Back-to-back windows are followed this far ahead, and through this many occurrences, at most; a
   * longer freeze is told in parts.
   */
  private static final Duration HORIZON = Duration.ofDays(400);

  private static final int MAX_OCCURRENCES = 1_000;

  private FreezeCalendar() {}

  /**
   * The window in force at {@code now} that ends last; its end moves on through any window in force
   * when it ends, since a release could not start in between either.
   */
  public static Optional<Freeze> inForce(List<FreezeWindow> windows, Instant now) {
    Optional<Hit> hit = latestEnding(windows, now);
    if (hit.isEmpty()) {
      return Optional.empty();
    }
    Instant until = hit.get().end();
    Instant horizon = now.plus(HORIZON);
    for (int i = 0; i < MAX_OCCURRENCES && until.isBefore(horizon); i++) {
      Optional<Hit> next = latestEnding(windows, until);
      if (next.isEmpty() || !next.get().end().isAfter(until)) {
        break;
      }
      until = next.get().end();
    }
    FreezeWindow window = hit.get().window();
    return Optional.of(new Freeze(window.name(), window.reason(), until));
  }

  private record Hit(FreezeWindow window, Instant end) {}

  private static Optional<Hit> latestEnding(List<FreezeWindow> windows, Instant at) {
    return windows.stream()
        .flatMap(w -> w.endOfOccurrenceAt(at).map(end -> new Hit(w, end)).stream())
        .max(Comparator.comparing(Hit::end).thenComparing(h -> h.window().name()));
  }
}
