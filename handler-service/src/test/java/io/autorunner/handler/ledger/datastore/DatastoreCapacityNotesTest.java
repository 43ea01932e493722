package io.autorunner.handler.ledger.datastore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.autorunner.handler.vm.StockOuts;
import io.autorunner.testkit.datastore.FakeDatastore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Capacity notes through the real client's HTTP transport, against the fake Datastore. */
class DatastoreCapacityNotesTest {

  private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");
  private static final String OUT = "us-central1-a g2-standard-4+1xnvidia-l4 SPOT";
  private static final String OTHER = "europe-west4-b g2-standard-4+1xnvidia-l4 SPOT";

  private final FakeDatastore fake = new FakeDatastore();

  @AfterEach
  void close() {
    fake.close();
  }

  private DatastoreCapacityNotes notes() {
    return new DatastoreCapacityNotes(
        DatastoreClients.connect(
            new DatastoreLocation("test-project", "autorunner", "", fake.baseUrl().toString()),
            DatastoreCapacityNotes.RETRIES));
  }

  @Test
  void aNoteOneInstanceWritesIsReadByAnotherUntilItEnds() {
    notes().note(Map.of(OUT, NOW.plusSeconds(300)));

    DatastoreCapacityNotes other = notes();
    assertThat(other.holding(List.of(OUT, OTHER), NOW))
        .isEqualTo(Map.of(OUT, NOW.plusSeconds(300)));
    assertThat(other.holding(List.of(OUT), NOW.plusSeconds(300))).isEmpty();
    assertThat(fake.calls("lookup")).isEqualTo(2);
  }

  @Test
  void aNoteIsOneEntityNamedByItsKeyThatTheTtlPolicyRemoves() {
    notes().note(Map.of(OUT, NOW.plusSeconds(300)));
    notes().note(Map.of(OUT, NOW.plusSeconds(600)));

    assertThat(fake.entities()).hasSize(1);
    assertThat(fake.entity(DatastoreCapacityNotes.KIND, OUT)).isPresent();
    assertThat(fake.entity(DatastoreCapacityNotes.KIND, OUT).get().property("expireAt"))
        .map(v -> v.getTimestampValue().getSeconds())
        .contains(NOW.plusSeconds(600).getEpochSecond());
    assertThat(notes().holding(List.of(OUT), NOW)).isEqualTo(Map.of(OUT, NOW.plusSeconds(600)));
  }

  @Test
  void aStoreThatDoesNotAnswerIsReadAsNoNotesAndAWriteIsOnlyLogged() {
    DatastoreCapacityNotes notes = notes();
    fake.failNext(10);

    assertThat(notes.holding(List.of(OUT), NOW)).isEmpty();
    assertThatCode(() -> notes.note(Map.of(OUT, NOW.plusSeconds(300)))).doesNotThrowAnyException();
  }

  @Test
  void aStockOutOneInstanceSawIsListedByAnotherNewestFirstForAnHour() {
    notes().seen(List.of(new StockOuts.StockOut("us-central1-a", "ghr-1-1", NOW, "no L4 | here")));
    notes()
        .seen(
            List.of(
                new StockOuts.StockOut("us-central1-b", "ghr-1-1", NOW.plusSeconds(1), "none")));

    assertThat(notes().seenSince(NOW.minusSeconds(60)))
        .extracting(StockOuts.StockOut::zone, StockOuts.StockOut::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("us-central1-b", "none"),
            org.assertj.core.groups.Tuple.tuple("us-central1-a", "no L4 / here"));
    assertThat(notes().seenSince(NOW.plusSeconds(1))).hasSize(1);

    notes()
        .seen(
            List.of(
                new StockOuts.StockOut("us-central1-c", "ghr-2-1", NOW.plusSeconds(3700), "x")));
    assertThat(notes().seenSince(NOW.minusSeconds(60)))
        .as("those seen more than an hour before the latest are dropped")
        .extracting(StockOuts.StockOut::vm)
        .containsExactly("ghr-2-1");
  }

  @Test
  void noKeysAskNothing() {
    assertThat(notes().holding(List.of(), NOW)).isEmpty();
    assertThat(fake.calls("lookup")).isZero();
  }
}
