package io.autorunner.handler.ledger.datastore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.datastore.Datastore;
import com.google.cloud.datastore.DatastoreException;
import com.google.datastore.v1.Value;
import io.autorunner.handler.ledger.JobReplacements;
import io.autorunner.handler.ledger.LedgerUnavailableException;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.ledger.ReplacementLedgerContract;
import io.autorunner.testkit.datastore.FakeDatastore;
import io.autorunner.testkit.datastore.StoredEntity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Datastore ledger through the real client's HTTP transport, against the testkit's fake
 * Datastore on loopback.
 */
class DatastoreReplacementLedgerTest extends ReplacementLedgerContract {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** Gives up at once, so an outage test does not wait out the production backoff. */
  private static final RetrySettings IMPATIENT =
      DatastoreClients.RETRIES.toBuilder()
          .setMaxAttempts(3)
          .setInitialRetryDelayDuration(Duration.ofMillis(1))
          .setMaxRetryDelayDuration(Duration.ofMillis(5))
          .build();

  private final FakeDatastore fake = new FakeDatastore();
  private final DatastoreReplacementLedger ledger = ledger(DatastoreClients.RETRIES);

  @AfterEach
  void close() {
    fake.close();
  }

  @Override
  protected ReplacementLedger ledger() {
    return ledger;
  }

  @Test
  void aJobIsOneEntityNamedByItsIdWithItsNamesAndExpiry() {
    ledger.spent(JOB, "ghr-4242-r1");
    ledger.spent(JOB, "ghr-4242-r2");
    ledger.refund(JOB, "ghr-4242-r1");

    assertThat(fake.entities()).hasSize(1);
    StoredEntity entity = fake.entity("JobReplacements", "4242").orElseThrow();
    assertThat(entity.database()).isEqualTo("autorunner");
    assertThat(entity.strings("spent")).containsExactly("ghr-4242-r1", "ghr-4242-r2");
    assertThat(entity.strings("refunded")).containsExactly("ghr-4242-r1");
    assertThat(entity.property("updatedAt").orElseThrow().getTimestampValue().getSeconds())
        .isEqualTo(NOW.getEpochSecond());
    assertThat(entity.property("expireAt").orElseThrow().getTimestampValue().getSeconds())
        .isEqualTo(NOW.plus(Duration.ofDays(7)).getEpochSecond());
    // The lists are only ever read whole: indexing them would only cost writes.
    assertThat(
            entity.property("spent").orElseThrow().getArrayValue().getValuesList().stream()
                .allMatch(Value::getExcludeFromIndexes))
        .isTrue();
  }

  @Test
  void aRepeatedSpendOrRefundWritesNothing() {
    ledger.spent(JOB, "ghr-4242-r1");
    ledger.refund(JOB, "ghr-4242-r1");
    long version = fake.entity("JobReplacements", "4242").orElseThrow().version();

    ledger.spent(JOB, "ghr-4242-r1");
    ledger.refund(JOB, "ghr-4242-r1");

    assertThat(fake.entity("JobReplacements", "4242").orElseThrow().version()).isEqualTo(version);
  }

  @Test
  void severalClientsSpendingForOneJobAtOnceAllLand() throws Exception {
    List<ReplacementLedger> ledgers =
        List.of(
            ledger(DatastoreClients.RETRIES),
            ledger(DatastoreClients.RETRIES),
            ledger(DatastoreClients.RETRIES));

    Set<String> spent = spendConcurrently(ledgers, 2, 3);

    assertThat(ledger.of(JOB)).isEqualTo(new JobReplacements(spent, 18));
    assertThat(fake.entity("JobReplacements", "4242").orElseThrow().strings("spent"))
        .containsExactlyInAnyOrderElementsOf(spent);
  }

  @Test
  void aCommitRefusedForContentionIsRunAgainOnTheNewerEntity() {
    ledger.spent(JOB, "ghr-4242-r1");
    fake.abortNextCommits(2);

    ledger.spent(JOB, "ghr-4242-r2");

    assertThat(ledger.of(JOB))
        .isEqualTo(new JobReplacements(Set.of("ghr-4242-r1", "ghr-4242-r2"), 2));
    assertThat(fake.calls("commit")).isEqualTo(1 + 3);
  }

  @Test
  void aSpendLongAfterTheStoreStartedCommitsAtTheFirstTry() {
    // Past the 128th write, versions are no longer small numbers; a read-modify-write of an entity
    // must still commit without a conflict no other writer caused.
    for (long job = 1; job <= 150; job++) {
      ledger.spent(job, "ghr-" + job + "-1-r1");
    }
    long before = fake.calls("commit");

    ledger.spent(7, "ghr-7-1-r2");

    assertThat(fake.calls("commit") - before).isEqualTo(1);
    assertThat(ledger.of(7).counted()).isEqualTo(2);
  }

  @Test
  void whatWasSpentSurvivesARestart() {
    ledger.spent(JOB, "ghr-4242-r1");
    ledger.refund(JOB, "ghr-4242-r1");
    ledger.spent(JOB, "ghr-4242-r2");

    // A new client, as a restarted or another handler instance has: nothing of the first is kept.
    DatastoreReplacementLedger restarted = ledger(DatastoreClients.RETRIES);

    assertThat(restarted.of(JOB))
        .isEqualTo(new JobReplacements(Set.of("ghr-4242-r1", "ghr-4242-r2"), 1));
  }

  @Test
  void aShortOutageIsRetriedByTheClient() {
    fake.failNext(2);

    ledger.spent(JOB, "ghr-4242-r1");

    assertThat(ledger.of(JOB)).isEqualTo(new JobReplacements(Set.of("ghr-4242-r1"), 1));
  }

  @Test
  void anOutageIsLedgerUnavailable() {
    DatastoreReplacementLedger impatient = ledger(IMPATIENT);
    fake.failNext(1_000);

    assertThatThrownBy(() -> impatient.spent(JOB, "ghr-4242-r1"))
        .isInstanceOf(LedgerUnavailableException.class)
        .hasMessageStartingWith("the replacement ledger could not spend ghr-4242-r1 for job 4242")
        .hasCauseInstanceOf(DatastoreException.class);
    assertThatThrownBy(() -> impatient.refund(JOB, "ghr-4242-r1"))
        .isInstanceOf(LedgerUnavailableException.class);
    assertThatThrownBy(() -> impatient.of(JOB))
        .isInstanceOf(LedgerUnavailableException.class)
        .hasMessageContaining("UNAVAILABLE");

    fake.failNext(0);
    impatient.spent(JOB, "ghr-4242-r1");
    assertThat(impatient.of(JOB).counted()).isEqualTo(1);
  }

  @Test
  void contentionOutlastingTheRetriesIsLedgerUnavailableNotALostSpend() {
    DatastoreReplacementLedger impatient = ledger(IMPATIENT);
    fake.abortNextCommits(1_000);

    assertThatThrownBy(() -> impatient.spent(JOB, "ghr-4242-r1"))
        .isInstanceOf(LedgerUnavailableException.class)
        .hasMessageContaining("ABORTED");
    fake.abortNextCommits(0);
    assertThat(impatient.of(JOB)).isEqualTo(new JobReplacements(Set.of(), 0));
  }

  @Test
  void aNamespaceKeepsItsJobsApart() {
    DatastoreReplacementLedger other =
        new DatastoreReplacementLedger(
            client(
                new DatastoreLocation(
                    "test-project", "autorunner", "staging", fake.baseUrl().toString()),
                DatastoreClients.RETRIES),
            CLOCK,
            Duration.ofDays(7));

    other.spent(JOB, "ghr-4242-r1");

    assertThat(ledger.of(JOB)).isEqualTo(new JobReplacements(Set.of(), 0));
    assertThat(other.of(JOB).counted()).isEqualTo(1);
    assertThat(fake.entity("JobReplacements", "4242").orElseThrow().namespace())
        .isEqualTo("staging");
  }

  private DatastoreReplacementLedger ledger(RetrySettings retries) {
    return new DatastoreReplacementLedger(
        client(
            new DatastoreLocation("test-project", "autorunner", "", fake.baseUrl().toString()),
            retries),
        CLOCK,
        Duration.ofDays(7));
  }

  private static Datastore client(DatastoreLocation location, RetrySettings retries) {
    return DatastoreClients.connect(location, retries);
  }
}
