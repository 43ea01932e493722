package io.autorunner.handler.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolScheduleTest {

  // 2026-12-01 is a Tuesday.
  private static Instant berlin(String localDateTime) {
    return java.time.LocalDateTime.parse(localDateTime)
        .atZone(java.time.ZoneId.of("Europe/Berlin"))
        .toInstant();
  }

  @Test
  void noWindowMeansAlways() {
    PoolSchedule always = PoolSchedule.parse(List.of(), "UTC");
    assertThat(always.isOpen(Instant.parse("2026-12-06T03:00:00Z"))).isTrue();
    assertThat(always).hasToString("always");
  }

  @Test
  void weekdayWindowsOpenAndCloseInTheirTimeZone() {
    PoolSchedule office = PoolSchedule.parse(List.of("Mon-Fri 08:00-20:00"), "Europe/Berlin");
    assertThat(office.isOpen(berlin("2026-12-01T07:59"))).isFalse();
    assertThat(office.isOpen(berlin("2026-12-01T08:00"))).isTrue();
    assertThat(office.isOpen(berlin("2026-12-01T19:59"))).isTrue();
    assertThat(office.isOpen(berlin("2026-12-01T20:00"))).isFalse();
    assertThat(office.isOpen(berlin("2026-12-05T12:00"))).as("Saturday").isFalse();
    // 08:30 in Berlin is 07:30 UTC in winter: the zone decides, not UTC.
    assertThat(office.isOpen(Instant.parse("2026-12-01T07:30:00Z"))).isTrue();
  }

  @Test
  void severalWindowsAndOneThatRunsPastMidnight() {
    PoolSchedule nights =
        PoolSchedule.parse(List.of("Fri 22:00-06:00", "sat 10:00-14:00"), "Europe/Berlin");
    assertThat(nights.isOpen(berlin("2026-12-04T23:00"))).as("Friday night").isTrue();
    assertThat(nights.isOpen(berlin("2026-12-05T05:59"))).as("Saturday morning").isTrue();
    assertThat(nights.isOpen(berlin("2026-12-05T06:00"))).isFalse();
    assertThat(nights.isOpen(berlin("2026-12-05T11:00"))).isTrue();
    assertThat(nights.isOpen(berlin("2026-12-03T23:00"))).as("Thursday night").isFalse();
  }

  @Test
  void dailyAndToMidnight() {
    PoolSchedule late = PoolSchedule.parse(List.of("daily 18:00-24:00"), "UTC");
    assertThat(late.isOpen(Instant.parse("2026-12-06T23:59:00Z"))).isTrue();
    assertThat(late.isOpen(Instant.parse("2026-12-07T00:00:00Z"))).isFalse();
    assertThat(late.isOpen(Instant.parse("2026-12-07T17:59:00Z"))).isFalse();
  }

  @Test
  void whatDoesNotReadIsRefusedByName() {
    assertThatThrownBy(() -> PoolSchedule.parse(List.of("weekdays 8-20"), "UTC"))
        .hasMessageContaining("'weekdays 8-20'");
    assertThatThrownBy(() -> PoolSchedule.parse(List.of("Mon 25:00-26:00"), "UTC"))
        .hasMessageContaining("bad time");
    assertThatThrownBy(() -> PoolSchedule.parse(List.of("Mon 08:00-08:00"), "UTC"))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> PoolSchedule.parse(List.of(), "Mars/Olympus"))
        .hasMessageContaining("Mars/Olympus");
  }
}
