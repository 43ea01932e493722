package io.autorunner.handler.pool;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The creates under way in this handler process (the store in memory, the local default). */
public final class LocalPendingCreates implements PendingCreates {

  private final Map<String, Map<Object, Instant>> marks = new HashMap<>();

  @Override
  public synchronized Mark begin(String vm, Instant until) {
    Object holder = new Object();
    marks.computeIfAbsent(vm, v -> new HashMap<>()).put(holder, until);
    return () -> end(vm, holder);
  }

  private synchronized void end(String vm, Object holder) {
    Map<Object, Instant> held = marks.get(vm);
    if (held != null) {
      held.remove(holder);
      if (held.isEmpty()) {
        marks.remove(vm);
      }
    }
  }

  @Override
  public synchronized boolean pending(String vm, Instant now) {
    return marks.getOrDefault(vm, Map.of()).values().stream().anyMatch(until -> until.isAfter(now));
  }
}
