package io.autorunner.handler.ledger.datastore;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.Timestamp;
import com.google.cloud.datastore.Datastore;
import com.google.cloud.datastore.DatastoreException;
import com.google.cloud.datastore.Entity;
import com.google.cloud.datastore.Key;
import com.google.cloud.datastore.KeyFactory;
import com.google.cloud.datastore.TimestampValue;
import io.autorunner.handler.vm.CapacityNotes;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Capacity notes in Firestore in Datastore mode: one {@code CapacityNote} entity per key, named by
 * it, holding {@code until}; its {@code expireAt} (the same time) lets the TTL policy remove it. A
 * create reads every key its walk may visit in one lookup by key (strongly consistent, no index or
 * query); a stock-out is one non-transactional upsert. A later note simply replaces an earlier one,
 * which is all a hint needs. A store that does not answer is logged and read as no notes.
 */
public final class DatastoreCapacityNotes implements CapacityNotes {

  private static final Logger log = LoggerFactory.getLogger(DatastoreCapacityNotes.class);

  /**
   * A note is a hint: a store that is slow or down should cost a create a moment, not the ledger's
   * twenty seconds of retries.
   */
  public static final RetrySettings RETRIES =
      DatastoreClients.RETRIES.toBuilder()
          .setMaxAttempts(2)
          .setTotalTimeoutDuration(Duration.ofSeconds(3))
          .setInitialRpcTimeoutDuration(Duration.ofSeconds(2))
          .setMaxRpcTimeoutDuration(Duration.ofSeconds(2))
          .build();

  static final String KIND = "CapacityNote";
  static final String UNTIL = "until";
  static final String EXPIRE_AT = "expireAt";

  private final Datastore datastore;
  private final KeyFactory keys;

  public DatastoreCapacityNotes(Datastore datastore) {
    this.datastore = Objects.requireNonNull(datastore, "datastore");
    this.keys = datastore.newKeyFactory().setKind(KIND);
  }

  @Override
  public Map<String, Instant> holding(Collection<String> wanted, Instant now) {
    if (wanted.isEmpty()) {
      return Map.of();
    }
    List<Key> asked = wanted.stream().distinct().map(keys::newKey).toList();
    Map<String, Instant> found = new HashMap<>();
    try {
      Iterator<Entity> entities = datastore.get(asked);
      while (entities.hasNext()) {
        Entity entity = entities.next();
        if (entity.contains(UNTIL)) {
          Timestamp at = entity.getTimestamp(UNTIL);
          Instant until = Instant.ofEpochSecond(at.getSeconds(), at.getNanos());
          if (until.isAfter(now)) {
            found.put(entity.getKey().getName(), until);
          }
        }
      }
    } catch (DatastoreException | IllegalArgumentException | ClassCastException e) {
      log.warn("capacity notes unreadable, walking every zone: {}", e.toString());
      return Map.of();
    }
    return Map.copyOf(found);
  }

  @Override
  public void note(String key, Instant until) {
    Timestamp at = Timestamp.ofTimeSecondsAndNanos(until.getEpochSecond(), until.getNano());
    Entity entity =
        Entity.newBuilder(keys.newKey(key))
            .set(UNTIL, TimestampValue.newBuilder(at).setExcludeFromIndexes(true).build())
            .set(EXPIRE_AT, TimestampValue.newBuilder(at).setExcludeFromIndexes(true).build())
            .build();
    try {
      datastore.put(entity);
    } catch (DatastoreException e) {
      log.warn("capacity note '{}' not shared: {}", key, e.toString());
    }
  }
}
