package io.autorunner.handler.ledger.datastore;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.Timestamp;
import com.google.cloud.datastore.Datastore;
import com.google.cloud.datastore.DatastoreException;
import com.google.cloud.datastore.Entity;
import com.google.cloud.datastore.Key;
import com.google.cloud.datastore.KeyFactory;
import io.autorunner.handler.vm.CapacityNotes;
import io.autorunner.handler.vm.StockOuts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

  /**
   * The stock-outs seen lately, for every instance's status page: one entity, read by key, its
   * entries {@code epochMillis|zone|vm|message}, the last {@value #KEPT} within {@link #SEEN_FOR}.
   */
  static final String SEEN = "seen-stock-outs";

  static final String ENTRIES = "entries";
  static final int KEPT = 50;
  static final Duration SEEN_FOR = Duration.ofHours(1);

  @Override
  public void seen(List<StockOuts.StockOut> stockOuts) {
    if (stockOuts.isEmpty()) {
      return;
    }
    List<String> added =
        stockOuts.stream()
            .map(
                stockOut ->
                    stockOut.at().toEpochMilli()
                        + "|"
                        + stockOut.zone()
                        + "|"
                        + stockOut.vm()
                        + "|"
                        + stockOut.message().replace('|', '/'))
            .toList();
    Instant latest =
        stockOuts.stream().map(StockOuts.StockOut::at).max(Comparator.naturalOrder()).orElseThrow();
    Key key = keys.newKey(SEEN);
    try {
      // One read-modify-write however many zones a stock-out covered (a region's, from a bulk
      // insert): several instances writing at once retry on the winner's entity.
      datastore.runInTransaction(
          transaction -> {
            Entity stored = transaction.get(key);
            List<String> entries = new ArrayList<>(added);
            Instant oldest = latest.minus(SEEN_FOR);
            for (String kept : DatastoreValues.strings(stored, ENTRIES)) {
              if (entries.size() < KEPT
                  && parse(kept).map(s -> !s.at().isBefore(oldest)).orElse(false)) {
                entries.add(kept);
              }
            }
            transaction.put(
                Entity.newBuilder(key)
                    .set(ENTRIES, DatastoreValues.unindexed(entries))
                    .set(EXPIRE_AT, DatastoreValues.unindexed(latest.plus(SEEN_FOR)))
                    .build());
            return null;
          });
    } catch (DatastoreException e) {
      log.warn("stock-outs {} not shared: {}", added, e.toString());
    }
  }

  @Override
  public List<StockOuts.StockOut> seenSince(Instant since) {
    try {
      return DatastoreValues.strings(datastore.get(keys.newKey(SEEN)), ENTRIES).stream()
          .map(DatastoreCapacityNotes::parse)
          .flatMap(Optional::stream)
          .filter(s -> !s.at().isBefore(since))
          .sorted(Comparator.comparing(StockOuts.StockOut::at).reversed())
          .toList();
    } catch (DatastoreException e) {
      log.warn("stock-outs seen lately unreadable: {}", e.toString());
      return List.of();
    }
  }

  private static Optional<StockOuts.StockOut> parse(String entry) {
    String[] parts = entry.split("\\|", 4);
    if (parts.length < 4) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new StockOuts.StockOut(
              parts[1], parts[2], Instant.ofEpochMilli(Long.parseLong(parts[0])), parts[3]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public void note(Map<String, Instant> untilByKey) {
    if (untilByKey.isEmpty()) {
      return;
    }
    // One commit for all the keys (a region's zones, from a bulk insert).
    Entity[] entities =
        untilByKey.entrySet().stream()
            .map(
                note ->
                    Entity.newBuilder(keys.newKey(note.getKey()))
                        .set(UNTIL, DatastoreValues.unindexed(note.getValue()))
                        .set(EXPIRE_AT, DatastoreValues.unindexed(note.getValue()))
                        .build())
            .toArray(Entity[]::new);
    try {
      datastore.put(entities);
    } catch (DatastoreException e) {
      log.warn("capacity notes {} not shared: {}", untilByKey.keySet(), e.toString());
    }
  }
}
