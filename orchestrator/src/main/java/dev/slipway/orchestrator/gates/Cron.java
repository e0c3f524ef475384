package dev.slipway.orchestrator.gates;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week), as crontab(5) reads
 * it: lists, ranges, steps, names (MON, JAN), 0 or 7 for Sunday, and day-of-month OR day-of-week
 * when both are restricted. It says on which local dates and at which local times something starts.
 */
public final class Cron {
  private static final String[] FIELDS = {"minute", "hour", "day-of-month", "month", "day-of-week"};
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet days;
  private final BitSet months;
  private final BitSet weekdays;
  private final boolean anyDay;
  private final boolean anyWeekday;

  private Cron(String[] fields) {
    minutes = field(fields, 0, 0, 59, null);
    hours = field(fields, 1, 0, 23, null);
    days = field(fields, 2, 1, 31, null);
    months = field(fields, 3, 1, 12, MONTHS);
    weekdays = field(fields, 4, 0, 7, DAYS);
    if (weekdays.get(7)) {
      weekdays.set(0);
    }
    anyDay = fields[2].equals("*");
    anyWeekday = fields[4].equals("*");
  }

  /** Parses an expression; the exception's message names the field at fault. */
  public static Cron parse(String text) {
    String[] fields = text.strip().split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "'" + text + "' must have five fields: minute hour day-of-month month day-of-week");
    }
    return new Cron(fields);
  }

  /** Whether something starts on this local date. */
  public boolean onDate(LocalDate date) {
    if (!months.get(date.getMonthValue())) {
      return false;
    }
    boolean day = days.get(date.getDayOfMonth());
    boolean weekday =
        weekdays.get(date.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : date.getDayOfWeek().getValue());
    if (anyDay || anyWeekday) {
      return (anyDay || day) && (anyWeekday || weekday);
    }
    return day || weekday;
  }

  /** The local times of day at which something starts, earliest first. */
  public List<LocalTime> times() {
    List<LocalTime> times = new ArrayList<>();
    for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
      for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
        times.add(LocalTime.of(h, m));
      }
    }
    return times;
  }

  private static BitSet field(String[] fields, int index, int min, int max, String[] names) {
    BitSet set = new BitSet(max + 1);
    for (String part : fields[index].split(",", -1)) {
      try {
        addPart(set, part.toUpperCase(Locale.ROOT), min, max, names);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            FIELDS[index] + " '" + part + "' " + e.getMessage() + " (" + min + "-" + max + ")");
      }
    }
    return set;
  }

  private static void addPart(BitSet set, String part, int min, int max, String[] names) {
    int step = 1;
    String range = part;
    int slash = part.indexOf('/');
    if (slash >= 0) {
      step = number(part.substring(slash + 1), 1, max, null);
      range = part.substring(0, slash);
    }
    int from;
    int to;
    if (range.equals("*")) {
      from = min;
      to = max;
    } else if (range.contains("-")) {
      String[] ends = range.split("-", 2);
      from = number(ends[0], min, max, names);
      to = number(ends[1], min, max, names);
      if (to < from) {
        throw new IllegalArgumentException("is a range that ends before it starts");
      }
    } else {
      from = number(range, min, max, names);
      to = slash >= 0 ? max : from;
    }
    for (int value = from; value <= to; value += step) {
      set.set(value);
    }
  }

  private static int number(String text, int min, int max, String[] names) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(text)) {
          return names == MONTHS ? i + 1 : i;
        }
      }
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is not a number or name");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException("is out of range");
    }
    return value;
  }
}
