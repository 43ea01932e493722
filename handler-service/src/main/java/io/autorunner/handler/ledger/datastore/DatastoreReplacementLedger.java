package io.autorunner.handler.ledger.datastore;

import com.google.cloud.datastore.Datastore;
import com.google.cloud.datastore.DatastoreException;
import com.google.cloud.datastore.Entity;
import com.google.cloud.datastore.Key;
import com.google.cloud.datastore.KeyFactory;
import io.autorunner.handler.ledger.JobReplacements;
import io.autorunner.handler.ledger.LedgerUnavailableException;
import io.autorunner.handler.ledger.ReplacementLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The ledger in Firestore in Datastore mode: one {@code JobReplacements} entity per job, named by
 * the job id. Every change is a read-modify-write in a transaction, so two handler instances
 * spending different names for one job at once both land: the loser's commit is refused (ABORTED)
 * and the client runs its transaction again on the winner's entity.
 */
public final class DatastoreReplacementLedger implements ReplacementLedger {

  private final Datastore datastore;
  private final KeyFactory keys;
  private final Clock clock;
  private final Duration expireAfter;

  /**
   * @param expireAfter how long after its last change a job's entity is kept (the TTL policy on
   *     {@code expireAt} deletes it then); longer than any job can be retried or replaced
   */
  public DatastoreReplacementLedger(Datastore datastore, Clock clock, Duration expireAfter) {
    this.datastore = Objects.requireNonNull(datastore, "datastore");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.expireAfter = Objects.requireNonNull(expireAfter, "expireAfter");
    if (expireAfter.isNegative() || expireAfter.isZero()) {
      throw new IllegalArgumentException("expireAfter must be positive, not " + expireAfter);
    }
    this.keys = datastore.newKeyFactory().setKind(JobReplacementsEntity.KIND);
  }

  @Override
  public void spent(long jobId, String vmName) {
    Objects.requireNonNull(vmName, "vmName");
    change(jobId, "spend " + vmName, names -> names.spending(vmName));
  }

  @Override
  public void refund(long jobId, String vmName) {
    Objects.requireNonNull(vmName, "vmName");
    change(jobId, "refund " + vmName, names -> names.refunding(vmName));
  }

  @Override
  public JobReplacements of(long jobId) {
    try {
      // A lookup by key is strongly consistent: it sees every commit made before it.
      return JobReplacementsEntity.read(datastore.get(key(jobId))).replacements();
    } catch (DatastoreException e) {
      throw unavailable("read the replacements of job " + jobId, e);
    }
  }

  private void change(long jobId, String what, UnaryOperator<JobReplacementsEntity> step) {
    // Several handler instances write the same job's entity at once (a sweep spends while a delete
    // task refunds); the loser of an optimistic commit is told ABORTED and simply goes again.
    for (int attempt = 1; ; attempt++) {
      try {
        commit(jobId, step);
        return;
      } catch (DatastoreException e) {
        if (attempt >= CONTENDED_ATTEMPTS || !contended(e)) {
          throw unavailable(what + " for job " + jobId, e);
        }
        pause(attempt);
      }
    }
  }

  private static final int CONTENDED_ATTEMPTS = 8;

  private static boolean contended(DatastoreException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DatastoreException d
          && ("ABORTED".equals(d.getReason()) || d.getCode() == 409 || d.getCode() == 10)) {
        return true;
      }
    }
    return false;
  }

  private static void pause(int attempt) {
    long base = 20L << Math.min(attempt, 6);
    try {
      Thread.sleep(base + java.util.concurrent.ThreadLocalRandom.current().nextLong(base));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerUnavailableException("interrupted while the ledger was contended", e);
    }
  }

  private void commit(long jobId, UnaryOperator<JobReplacementsEntity> step) {
    Key key = key(jobId);
    datastore.runInTransaction(
        transaction -> {
          Entity stored = transaction.get(key);
          JobReplacementsEntity before = JobReplacementsEntity.read(stored);
          JobReplacementsEntity after = step.apply(before);
          if (!after.equals(before)) {
            Instant now = clock.instant();
            transaction.put(after.toEntity(key, now, now.plus(expireAfter)));
          }
          return after;
        });
  }

  private Key key(long jobId) {
    return keys.newKey(Long.toString(jobId));
  }

  private static LedgerUnavailableException unavailable(String what, DatastoreException e) {
    return new LedgerUnavailableException(
        "the replacement ledger could not " + what + ": " + reason(e), e);
  }

  /**
   * The code of the innermost Datastore failure ({@code ABORTED}, {@code UNAVAILABLE}, …) and its
   * message. A transaction whose begin failed surfaces as a NullPointerException wrapped by the
   * client (java-datastore 2.32 rolls back the transaction it never got), so that is said plainly.
   */
  private static String reason(DatastoreException e) {
    DatastoreException inner = e;
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof DatastoreException datastore) {
        inner = datastore;
      }
    }
    if (inner.getReason() != null && !inner.getReason().isEmpty()) {
      return inner.getReason() + " " + inner.getMessage();
    }
    if (inner.getCause() instanceof NullPointerException) {
      return "no transaction could be begun (the store did not answer)";
    }
    return inner.getMessage();
  }
}
