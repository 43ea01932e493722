package io.autorunner.handler.github;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code ETag} and body of GET answers, so the next GET of the same URL can send {@code
 * If-None-Match} and reuse the body on {@code 304} (which GitHub does not charge to the rate
 * limit). Bounded by the bytes it holds, least recently used out first. A cache of GitHub's answers
 * only: losing it (restart, eviction) costs one full answer, never correctness.
 */
final class ConditionalCache {

  record Entry(String etag, byte[] body) {}

  private final long maxBytes;
  private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  /**
   * @param maxBytes how many body bytes to keep at most; 0 turns the cache off
   */
  ConditionalCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("the conditional request cache size must not be negative");
    }
    this.maxBytes = maxBytes;
  }

  synchronized Optional<Entry> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  synchronized void put(String key, String etag, byte[] body) {
    remove(key);
    // One answer larger than a quarter of the budget would push out everything else for a
    // single URL; such answers are simply not cached.
    if (maxBytes == 0 || etag == null || etag.isBlank() || body.length > maxBytes / 4) {
      return;
    }
    entries.put(key, new Entry(etag, body));
    bytes += body.length;
    var eldest = entries.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= eldest.next().getValue().body().length;
      eldest.remove();
    }
  }

  synchronized void remove(String key) {
    Entry old = entries.remove(key);
    if (old != null) {
      bytes -= old.body().length;
    }
  }

  synchronized long bytes() {
    return bytes;
  }
}
