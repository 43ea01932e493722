package io.autorunner.handler.ledger.datastore;

import com.google.cloud.datastore.Datastore;
import com.google.cloud.datastore.DatastoreException;
import com.google.cloud.datastore.Entity;
import com.google.cloud.datastore.Key;
import com.google.cloud.datastore.KeyFactory;
import io.autorunner.handler.pool.PendingCreates;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates under way in Firestore in Datastore mode: one {@code PendingCreate} entity per VM name,
 * holding each create's mark as {@code holder|untilEpochMillis}, written in a transaction (two
 * deliveries of one task hold one VM's name at once, and the first to end must not end the other's
 * mark); its {@code expireAt}, the latest mark's end, lets the TTL policy remove what a killed
 * create left. Read by key: strongly consistent, no index. Connect it with {@link
 * DatastoreCapacityNotes#RETRIES}: a slow store costs a create a moment, not seconds.
 */
public final class DatastorePendingCreates implements PendingCreates {

  private static final Logger log = LoggerFactory.getLogger(DatastorePendingCreates.class);

  static final String KIND = "PendingCreate";
  static final String HOLDERS = "holders";
  static final String EXPIRE_AT = "expireAt";

  private final Datastore datastore;
  private final KeyFactory keys;
  private final Clock clock;

  public DatastorePendingCreates(Datastore datastore, Clock clock) {
    this.datastore = Objects.requireNonNull(datastore, "datastore");
    this.keys = datastore.newKeyFactory().setKind(KIND);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Mark begin(String vm, Instant until) {
    String holder = UUID.randomUUID().toString();
    Key key = keys.newKey(vm);
    try {
      change(key, marks -> marks.put(holder, until));
    } catch (DatastoreException | IllegalArgumentException | ClassCastException e) {
      log.warn("create of {} under way, but not shared: {}", vm, e.toString());
      return () -> {};
    }
    return () -> {
      try {
        change(key, marks -> marks.remove(holder));
      } catch (DatastoreException | IllegalArgumentException | ClassCastException e) {
        log.warn("create of {} is over, but its mark stays until {}: {}", vm, until, e.toString());
      }
    };
  }

  @Override
  public boolean pending(String vm, Instant now) {
    try {
      return marks(datastore.get(keys.newKey(vm))).values().stream()
          .anyMatch(until -> until.isAfter(now));
    } catch (DatastoreException | IllegalArgumentException | ClassCastException e) {
      log.warn("creates under way unreadable, {} read as none: {}", vm, e.toString());
      return false;
    }
  }

  /** Reads, changes and writes one VM's marks, dropping those lapsed; none left, no entity. */
  private void change(Key key, Consumer<Map<String, Instant>> change) {
    datastore.runInTransaction(
        transaction -> {
          Map<String, Instant> marks = marks(transaction.get(key));
          change.accept(marks);
          Instant now = clock.instant();
          marks.values().removeIf(until -> !until.isAfter(now));
          if (marks.isEmpty()) {
            transaction.delete(key);
          } else {
            Instant latest = marks.values().stream().max(Instant::compareTo).orElseThrow();
            transaction.put(
                Entity.newBuilder(key)
                    .set(
                        HOLDERS,
                        DatastoreValues.unindexed(
                            marks.entrySet().stream()
                                .map(m -> m.getKey() + "|" + m.getValue().toEpochMilli())
                                .toList()))
                    .set(EXPIRE_AT, DatastoreValues.unindexed(latest))
                    .build());
          }
          return null;
        });
  }

  private static Map<String, Instant> marks(Entity stored) {
    Map<String, Instant> marks = new LinkedHashMap<>();
    for (String mark : DatastoreValues.strings(stored, HOLDERS)) {
      String[] parts = mark.split("\\|", 2);
      if (parts.length == 2) {
        try {
          marks.put(parts[0], Instant.ofEpochMilli(Long.parseLong(parts[1])));
        } catch (NumberFormatException ignored) {
          // not a mark this adapter wrote: skipped
        }
      }
    }
    return marks;
  }
}
