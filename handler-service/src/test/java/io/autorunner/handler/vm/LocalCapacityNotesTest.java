package io.autorunner.handler.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalCapacityNotesTest {

  private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

  @Test
  void aLoneInstanceKeepsTheLastStockOutsItSawNewestFirst() {
    LocalCapacityNotes notes = new LocalCapacityNotes();
    for (int i = 0; i < LocalCapacityNotes.KEPT + 5; i++) {
      notes.seen(
          List.of(
              new StockOuts.StockOut(
                  "us-central1-a", "ghr-" + i + "-1", NOW.plusSeconds(i), "out")));
    }

    List<StockOuts.StockOut> seen = notes.seenSince(NOW);
    assertThat(seen).hasSize(LocalCapacityNotes.KEPT);
    assertThat(seen.get(0).vm()).isEqualTo("ghr-" + (LocalCapacityNotes.KEPT + 4) + "-1");
    assertThat(notes.seenSince(NOW.plusSeconds(LocalCapacityNotes.KEPT + 4))).hasSize(1);
  }

  @Test
  void theStatusPageListsGcesStockOutsAndTheNotedOnesOnceEachNewestFirst() {
    LocalCapacityNotes notes = new LocalCapacityNotes();
    StockOuts.StockOut zonal = new StockOuts.StockOut("us-central1-a", "ghr-1-1", NOW, "zonal");
    StockOuts.StockOut regional =
        new StockOuts.StockOut("us-central1-b", "ghr-2-1", NOW.plusSeconds(5), "regional");
    notes.seen(List.of(regional));
    notes.seen(List.of(new StockOuts.StockOut("us-central1-a", "ghr-1-1", NOW, "the same, noted")));

    List<StockOuts.StockOut> listed =
        StockOuts.withNotes(since -> List.of(zonal), notes).since(NOW.minusSeconds(60));

    assertThat(listed).containsExactly(regional, zonal);
  }
}
