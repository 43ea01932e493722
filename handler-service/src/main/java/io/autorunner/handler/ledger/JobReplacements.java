package io.autorunner.handler.ledger;

import java.util.Set;

/**
 * What the ledger holds of one job.
 *
 * @param names every replacement VM name ever spent for the job
 * @param counted spent names not refunded
 */
public record JobReplacements(Set<String> names, int counted) {
  public JobReplacements {
    names = Set.copyOf(names);
    if (counted < 0 || counted > names.size()) {
      throw new IllegalArgumentException("counted must be between 0 and the number of names");
    }
  }

  public static JobReplacements none() {
    return new JobReplacements(Set.of(), 0);
  }
}
