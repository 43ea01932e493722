package io.autorunner.handler.ledger.datastore;

import com.google.cloud.Timestamp;
import com.google.cloud.datastore.Entity;
import com.google.cloud.datastore.StringValue;
import com.google.cloud.datastore.TimestampValue;
import com.google.cloud.datastore.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The property values this package writes outside every index (nothing queries them; each entity is
 * read by key), and the lists of strings it reads back.
 */
final class DatastoreValues {

  private DatastoreValues() {}

  static TimestampValue unindexed(Instant at) {
    return TimestampValue.newBuilder(
            Timestamp.ofTimeSecondsAndNanos(at.getEpochSecond(), at.getNano()))
        .setExcludeFromIndexes(true)
        .build();
  }

  /**
   * {@code texts} in their order, each unindexed: Datastore refuses exclude_from_indexes on the
   * array itself, so it goes on each element.
   */
  static List<StringValue> unindexed(Collection<String> texts) {
    return texts.stream()
        .map(text -> StringValue.newBuilder(text).setExcludeFromIndexes(true).build())
        .toList();
  }

  /** The strings of the list {@code property} of {@code stored}; none when either is missing. */
  static List<String> strings(Entity stored, String property) {
    List<String> strings = new ArrayList<>();
    if (stored == null || !stored.contains(property)) {
      return strings;
    }
    for (Value<?> value : stored.getList(property)) {
      if (value instanceof StringValue text) {
        strings.add(text.get());
      }
    }
    return strings;
  }
}
