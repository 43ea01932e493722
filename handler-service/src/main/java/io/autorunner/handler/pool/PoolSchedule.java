package io.autorunner.handler.pool;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a pool is kept: windows such as {@code Mon-Fri 08:00-20:00} or {@code Sat 10:00-14:00} in
 * one time zone. A window whose end is before its start runs past midnight into the next day
 * ({@code Mon-Fri 22:00-06:00} opens on Friday night and closes on Saturday morning). No window:
 * always.
 */
public final class PoolSchedule {

  private static final Pattern WINDOW =
      Pattern.compile(
          "(?i)(mon|tue|wed|thu|fri|sat|sun|daily)(?:-(mon|tue|wed|thu|fri|sat|sun))?"
              + "\\s+(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

  private record Window(Set<DayOfWeek> days, LocalTime start, LocalTime end, boolean toMidnight) {

    boolean contains(ZonedDateTime at) {
      LocalTime time = at.toLocalTime();
      boolean endsNextDay = !toMidnight && !end.isAfter(start);
      if (endsNextDay) {
        return (days.contains(at.getDayOfWeek()) && !time.isBefore(start))
            || (days.contains(at.getDayOfWeek().minus(1)) && time.isBefore(end));
      }
      return days.contains(at.getDayOfWeek())
          && !time.isBefore(start)
          && (toMidnight || time.isBefore(end));
    }
  }

  private final List<Window> windows;
  private final ZoneId zone;
  private final String text;

  private PoolSchedule(List<Window> windows, ZoneId zone, String text) {
    this.windows = windows;
    this.zone = zone;
    this.text = text;
  }

  /**
   * @throws IllegalArgumentException naming the window or time zone that does not read
   */
  public static PoolSchedule parse(List<String> windows, String timeZone) {
    Objects.requireNonNull(windows, "windows");
    ZoneId zone;
    try {
      zone = ZoneId.of(timeZone == null ? "UTC" : timeZone.strip());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("time zone '" + timeZone + "' is not a zone id", e);
    }
    List<Window> parsed = new ArrayList<>();
    for (String window : windows) {
      parsed.add(window(window));
    }
    String text =
        windows.isEmpty() ? "always" : String.join(", ", windows) + " (" + zone.getId() + ")";
    return new PoolSchedule(List.copyOf(parsed), zone, text);
  }

  private static Window window(String text) {
    Matcher m = WINDOW.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "schedule window '" + text + "' is not like 'Mon-Fri 08:00-20:00'");
    }
    Set<DayOfWeek> days = days(m.group(1), m.group(2), text);
    LocalTime start = time(m.group(3), text);
    boolean toMidnight = m.group(4).equals("24:00");
    LocalTime end = toMidnight ? LocalTime.MIDNIGHT : time(m.group(4), text);
    if (!toMidnight && end.equals(start)) {
      throw new IllegalArgumentException("schedule window '" + text + "' is empty");
    }
    return new Window(days, start, end, toMidnight);
  }

  private static Set<DayOfWeek> days(String first, String last, String text) {
    if (first.equalsIgnoreCase("daily")) {
      if (last != null) {
        throw new IllegalArgumentException("schedule window '" + text + "': daily takes no range");
      }
      return EnumSet.allOf(DayOfWeek.class);
    }
    DayOfWeek from = day(first);
    DayOfWeek to = last == null ? from : day(last);
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (DayOfWeek d = from; ; d = d.plus(1)) {
      days.add(d);
      if (d == to) {
        return days;
      }
    }
  }

  private static DayOfWeek day(String abbreviation) {
    String a = abbreviation.toLowerCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().toLowerCase(Locale.ROOT).startsWith(a)) {
        return d;
      }
    }
    throw new IllegalArgumentException("no day " + abbreviation);
  }

  private static LocalTime time(String hhmm, String text) {
    try {
      return LocalTime.parse(hhmm);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("schedule window '" + text + "': bad time " + hhmm, e);
    }
  }

  /** True when the pool is to be kept at {@code now}. */
  public boolean isOpen(Instant now) {
    if (windows.isEmpty()) {
      return true;
    }
    ZonedDateTime at = now.atZone(zone);
    return windows.stream().anyMatch(w -> w.contains(at));
  }

  @Override
  public String toString() {
    return text;
  }
}
