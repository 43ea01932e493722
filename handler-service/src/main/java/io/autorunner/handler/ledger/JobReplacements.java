package io.autorunner.handler.ledger;

import java.util.Set;

/**
 * What the ledger holds for one job.
 *
 * @param names every replacement VM name ever spent for the job; a name in it is never made again,
 *     so a late delete of an earlier VM cannot hit a new one of the same name
 * @param counted spent names not refunded: what counts against the job's bound
 */
public record JobReplacements(Set<String> names, int counted) {

  private static final JobReplacements NONE = new JobReplacements(Set.of(), 0);

  public JobReplacements {
    names = Set.copyOf(names);
    if (counted < 0 || counted > names.size()) {
      throw new IllegalArgumentException(
          "counted must be between 0 and the " + names.size() + " names, not " + counted);
    }
  }

  /** A job the ledger has nothing for. */
  public static JobReplacements none() {
    return NONE;
  }

  /**
   * The replacements of a job from its spent and refunded names. A refund may land before its spend
   * (two handler instances, one slow): the name then never counts.
   */
  public static JobReplacements from(Set<String> spent, Set<String> refunded) {
    int counted = (int) spent.stream().filter(name -> !refunded.contains(name)).count();
    return new JobReplacements(spent, counted);
  }

  /** Whether {@code name} was ever spent for the job. */
  public boolean used(String name) {
    return names.contains(name);
  }
}
