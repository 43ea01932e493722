package io.autorunner.handler.ledger;

/**
 * Replacement VMs given to each job, shared by every handler instance and kept across restarts.
 * Handler instances come and go at will, so a bound kept in one instance's memory would reset on
 * every restart and let a broken job make VMs without end.
 *
 * <p>Every method throws {@link LedgerUnavailableException} when the store cannot answer; the
 * caller then answers "retry" rather than guessing.
 */
public interface ReplacementLedger {

  /**
   * VM {@code vmName} was actually created as a replacement for job {@code jobId}. Idempotent per
   * name.
   */
  void spent(long jobId, String vmName);

  /**
   * VM {@code vmName} made for job {@code jobId} ran another job: it no longer counts against the
   * bound. Idempotent.
   */
  void refund(long jobId, String vmName);

  /** What the ledger holds for the job (empty when nothing). */
  JobReplacements of(long jobId);
}
