package io.autorunner.handler.ledger.datastore;

import com.google.cloud.Timestamp;
import com.google.cloud.datastore.Entity;
import com.google.cloud.datastore.Key;
import com.google.cloud.datastore.ListValue;
import com.google.cloud.datastore.Value;
import io.autorunner.handler.ledger.JobReplacements;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One job's names as its Datastore entity. The name lists are kept out of the indexes: nothing
 * queries them, and every indexed value costs a write. {@code expireAt} is what the TTL policy that
 * deploy/setup.sh creates deletes the entity by, once the job is long over.
 *
 * @param spent every replacement VM name spent for the job
 * @param refunded names that ran another job (possibly recorded before their spend)
 */
record JobReplacementsEntity(Set<String> spent, Set<String> refunded) {

  static final String KIND = "JobReplacements";
  static final String SPENT = "spent";
  static final String REFUNDED = "refunded";
  static final String UPDATED_AT = "updatedAt";
  static final String EXPIRE_AT = "expireAt";

  JobReplacementsEntity {
    spent = Set.copyOf(spent);
    refunded = Set.copyOf(refunded);
  }

  static JobReplacementsEntity read(Entity entity) {
    if (entity == null) {
      return new JobReplacementsEntity(Set.of(), Set.of());
    }
    return new JobReplacementsEntity(strings(entity, SPENT), strings(entity, REFUNDED));
  }

  JobReplacementsEntity spending(String name) {
    return new JobReplacementsEntity(with(spent, name), refunded);
  }

  JobReplacementsEntity refunding(String name) {
    return new JobReplacementsEntity(spent, with(refunded, name));
  }

  JobReplacements replacements() {
    return JobReplacements.from(spent, refunded);
  }

  Entity toEntity(Key key, Instant now, Instant expireAt) {
    return Entity.newBuilder(key)
        .set(SPENT, unindexed(spent))
        .set(REFUNDED, unindexed(refunded))
        .set(UPDATED_AT, timestamp(now))
        .set(EXPIRE_AT, timestamp(expireAt))
        .build();
  }

  private static Set<String> strings(Entity entity, String property) {
    Set<String> names = new LinkedHashSet<>();
    if (entity.contains(property)) {
      for (Value<?> value : entity.<Value<?>>getList(property)) {
        names.add((String) value.get());
      }
    }
    return names;
  }

  private static Set<String> with(Set<String> names, String name) {
    Set<String> more = new LinkedHashSet<>(names);
    more.add(name);
    return more;
  }

  private static ListValue unindexed(Collection<String> names) {
    return ListValue.of(DatastoreValues.unindexed(names.stream().sorted().toList()));
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.ofTimeSecondsAndNanos(instant.getEpochSecond(), instant.getNano());
  }
}
