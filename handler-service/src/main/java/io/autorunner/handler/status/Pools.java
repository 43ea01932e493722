package io.autorunner.handler.status;

import io.autorunner.handler.reconcile.SweepView;
import java.time.Instant;
import java.util.List;

/** The warm pools and what is in them now. */
public interface Pools {

  /** The pools, from what one read saw; empty when none is configured or running. */
  List<Pool> pools(SweepView view, Instant now);

  /** No pools at all. */
  static Pools none() {
    return (view, now) -> List.of();
  }
}
