package io.autorunner.handler.ledger.datastore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.autorunner.handler.pool.PendingCreates;
import io.autorunner.handler.testing.MutableClock;
import io.autorunner.testkit.datastore.FakeDatastore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Creates under way through the real client's HTTP transport, against the fake Datastore. */
class DatastorePendingCreatesTest {

  private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

  private final FakeDatastore fake = new FakeDatastore();
  private final MutableClock clock = new MutableClock(NOW);

  @AfterEach
  void close() {
    fake.close();
  }

  /** One handler instance's adapter; instances share the database only. */
  private DatastorePendingCreates instance() {
    return new DatastorePendingCreates(
        DatastoreClients.connect(
            new DatastoreLocation("test-project", "autorunner", "", fake.baseUrl().toString()),
            DatastoreCapacityNotes.RETRIES),
        clock);
  }

  @Test
  void aMarkOneInstanceHoldsIsReadByAnotherUntilItIsClosed() {
    PendingCreates.Mark mark = instance().begin("ghr-88-1", NOW.plusSeconds(300));
    DatastorePendingCreates other = instance();

    assertThat(other.pending("ghr-88-1", NOW)).isTrue();
    assertThat(other.pending("ghr-89-1", NOW)).isFalse();
    mark.close();
    assertThat(other.pending("ghr-88-1", NOW)).isFalse();
    assertThat(fake.entities()).as("no marks left, no entity").isEmpty();
  }

  @Test
  void twoDeliveriesOfOneCreateOnTwoInstancesEachEndOnlyTheirOwnMark() {
    PendingCreates.Mark first = instance().begin("ghr-88-1", NOW.plusSeconds(300));
    PendingCreates.Mark second = instance().begin("ghr-88-1", NOW.plusSeconds(300));

    first.close();
    assertThat(instance().pending("ghr-88-1", NOW)).isTrue();
    second.close();
    second.close();
    assertThat(instance().pending("ghr-88-1", NOW)).isFalse();
  }

  @Test
  void aMarkWhoseCreateDiedLapsesAndTheTtlPolicyRemovesIt() {
    instance().begin("ghr-88-1", NOW.plusSeconds(300)); // never closed: its instance was killed

    assertThat(instance().pending("ghr-88-1", NOW.plusSeconds(299))).isTrue();
    assertThat(instance().pending("ghr-88-1", NOW.plusSeconds(300))).isFalse();
    assertThat(
            fake.entity(DatastorePendingCreates.KIND, "ghr-88-1")
                .orElseThrow()
                .property("expireAt"))
        .map(v -> v.getTimestampValue().getSeconds())
        .contains(NOW.plusSeconds(300).getEpochSecond());

    clock.advance(Duration.ofMinutes(10));
    instance().begin("ghr-88-1", clock.instant().plusSeconds(300)).close();
    assertThat(fake.entities()).as("the lapsed mark went with the next write").isEmpty();
  }

  @Test
  void aStoreThatDoesNotAnswerReadsAsNoMarkAndAWriteIsOnlyLogged() {
    DatastorePendingCreates marks = instance();
    fake.failNext(20);

    assertThatCode(() -> marks.begin("ghr-88-1", NOW.plusSeconds(300)).close())
        .doesNotThrowAnyException();
    assertThat(marks.pending("ghr-88-1", NOW)).isFalse();
  }
}
