package io.autorunner.handler.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link ReplacementLedger} adapter does; each adapter's test extends this. */
public abstract class ReplacementLedgerContract {

  protected static final long JOB = 4242;

  /** The ledger under test, empty. */
  protected abstract ReplacementLedger ledger();

  @Test
  void aJobWithNothingSpentHasNoReplacements() {
    assertThat(ledger().of(JOB)).isEqualTo(new JobReplacements(Set.of(), 0));
  }

  @Test
  void spentNamesAreKeptAndCounted() {
    ReplacementLedger ledger = ledger();

    ledger.spent(JOB, "ghr-4242-r1");
    ledger.spent(JOB, "ghr-4242-r2");

    assertThat(ledger.of(JOB))
        .isEqualTo(new JobReplacements(Set.of("ghr-4242-r1", "ghr-4242-r2"), 2));
  }

  @Test
  void spendingTheSameNameAgainCountsItOnce() {
    ReplacementLedger ledger = ledger();

    ledger.spent(JOB, "ghr-4242-r1");
    ledger.spent(JOB, "ghr-4242-r1");

    assertThat(ledger.of(JOB)).isEqualTo(new JobReplacements(Set.of("ghr-4242-r1"), 1));
  }

  @Test
  void aRefundedNameStaysUsedButNoLongerCounts() {
    ReplacementLedger ledger = ledger();
    ledger.spent(JOB, "ghr-4242-r1");
    ledger.spent(JOB, "ghr-4242-r2");

    ledger.refund(JOB, "ghr-4242-r1");
    ledger.refund(JOB, "ghr-4242-r1");

    JobReplacements replacements = ledger.of(JOB);
    assertThat(replacements.names()).containsExactlyInAnyOrder("ghr-4242-r1", "ghr-4242-r2");
    assertThat(replacements.counted()).isEqualTo(1);
    assertThat(replacements.used("ghr-4242-r1")).isTrue();
  }

  @Test
  void aRefundThatLandsBeforeItsSpendKeepsTheNameUncounted() {
    ReplacementLedger ledger = ledger();

    ledger.refund(JOB, "ghr-4242-r1");
    assertThat(ledger.of(JOB)).isEqualTo(new JobReplacements(Set.of(), 0));
    ledger.spent(JOB, "ghr-4242-r1");

    assertThat(ledger.of(JOB)).isEqualTo(new JobReplacements(Set.of("ghr-4242-r1"), 0));
  }

  @Test
  void jobsAreKeptApart() {
    ReplacementLedger ledger = ledger();

    ledger.spent(JOB, "ghr-4242-r1");
    ledger.spent(JOB + 1, "ghr-4243-r1");
    ledger.refund(JOB + 1, "ghr-4243-r1");

    assertThat(ledger.of(JOB)).isEqualTo(new JobReplacements(Set.of("ghr-4242-r1"), 1));
    assertThat(ledger.of(JOB + 1)).isEqualTo(new JobReplacements(Set.of("ghr-4243-r1"), 0));
  }

  @Test
  void concurrentSpendsOfOneJobAllLand() throws Exception {
    ReplacementLedger ledger = ledger();
    int threads = 4;
    int perThread = 3;

    Set<String> spent = spendConcurrently(List.of(ledger), threads, perThread);

    assertThat(ledger.of(JOB)).isEqualTo(new JobReplacements(spent, threads * perThread));
  }

  /**
   * Spends {@code perThread} distinct names for {@link #JOB} on each of {@code threadsPerLedger}
   * threads per ledger, all released at once; answers every name spent.
   */
  protected static Set<String> spendConcurrently(
      List<ReplacementLedger> ledgers, int threadsPerLedger, int perThread) throws Exception {
    int threads = ledgers.size() * threadsPerLedger;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    Set<String> names = new HashSet<>();
    try {
      for (int t = 0; t < threads; t++) {
        ReplacementLedger ledger = ledgers.get(t % ledgers.size());
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          mine.add("ghr-4242-t" + t + "n" + i);
        }
        names.addAll(mine);
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  mine.forEach(name -> ledger.spent(JOB, name));
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return names;
  }
}
