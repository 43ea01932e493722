package io.autorunner.handler.pool;

import java.time.Instant;

/**
 * Which job VMs a create is making right now, shared by every handler instance. A job can take an
 * idle pool runner while its own create is still walking zones; the instance that then refills the
 * pool reads this, waits for that VM and adopts it, instead of making a pool VM of its own and
 * leaving the job's VM to be retired as a spare.
 *
 * <p>A hint, like the capacity notes: a mark that cannot be written or read costs one extra boot,
 * so an adapter logs its store's failures and answers as if there were no mark. Each create holds
 * its own mark (a task delivered twice runs two creates of one VM), and a mark whose create died
 * lapses at its time.
 */
public interface PendingCreates {

  /** A create of {@code vm} is under way until it closes the mark, or until {@code until}. */
  Mark begin(String vm, Instant until);

  /** True while some create of {@code vm} holds a mark that has not lapsed at {@code now}. */
  boolean pending(String vm, Instant now);

  /** One create's hold on its VM's name; closing it twice is harmless. */
  interface Mark extends AutoCloseable {
    @Override
    void close();
  }
}
