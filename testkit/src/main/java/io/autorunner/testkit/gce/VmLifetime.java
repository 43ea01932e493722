package io.autorunner.testkit.gce;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * When one instance of the fake Compute Engine lived.
 *
 * @param inserted its {@code creationTimestamp}
 * @param deleted when it disappeared (its delete operation finished, or Spot preemption took it),
 *     or null while it exists
 */
public record VmLifetime(
    String project,
    String zone,
    String name,
    Map<String, String> labels,
    Instant inserted,
    Instant deleted,
    boolean preempted) {

  public VmLifetime {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(inserted, "inserted");
    labels = Map.copyOf(labels);
  }

  /** Alive at {@code at}: inserted at or before it and not yet gone. */
  public boolean aliveAt(Instant at) {
    return !inserted.isAfter(at) && (deleted == null || deleted.isAfter(at));
  }

  /**
   * The most instances alive at one moment that were older than {@code settle} then: each one
   * counts from {@code inserted + settle} until it was deleted (or {@code now}). A VM made and
   * dropped within the settle window (a race that was cleaned up) never counts.
   */
  public static int peakAliveOlderThan(
      Collection<VmLifetime> lifetimes, Duration settle, Instant now) {
    record Edge(Instant at, int delta) {}
    List<Edge> edges = new ArrayList<>();
    for (VmLifetime life : lifetimes) {
      Instant from = life.inserted().plus(settle);
      Instant to = life.deleted() == null ? now : life.deleted();
      if (from.isBefore(to)) {
        edges.add(new Edge(from, 1));
        edges.add(new Edge(to, -1));
      }
    }
    // An instance gone at the very instant another one settles never overlapped it.
    edges.sort((a, b) -> a.at().equals(b.at()) ? a.delta() - b.delta() : a.at().compareTo(b.at()));
    int alive = 0;
    int peak = 0;
    for (Edge edge : edges) {
      alive += edge.delta();
      peak = Math.max(peak, alive);
    }
    return peak;
  }
}
