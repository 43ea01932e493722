package io.autorunner.handler.vm;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The capacity notes of one handler process (the store in memory, the local default): the seeker's
 * memory is its own already, so only the stock-outs seen are kept, the last {@value #KEPT}, for
 * this process's status page.
 */
public final class LocalCapacityNotes implements CapacityNotes {

  static final int KEPT = 50;

  private final Deque<StockOuts.StockOut> seen = new ArrayDeque<>();

  @Override
  public Map<String, Instant> holding(Collection<String> keys, Instant now) {
    return Map.of();
  }

  @Override
  public void note(Map<String, Instant> untilByKey) {}

  @Override
  public synchronized void seen(List<StockOuts.StockOut> stockOuts) {
    for (int i = stockOuts.size() - 1; i >= 0; i--) {
      seen.addFirst(stockOuts.get(i));
    }
    while (seen.size() > KEPT) {
      seen.removeLast();
    }
  }

  @Override
  public synchronized List<StockOuts.StockOut> seenSince(Instant since) {
    return seen.stream().filter(s -> !s.at().isBefore(since)).toList();
  }
}
