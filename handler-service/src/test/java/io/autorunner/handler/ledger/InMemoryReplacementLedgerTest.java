package io.autorunner.handler.ledger;

/** The in-memory ledger keeps the contract every adapter keeps. */
class InMemoryReplacementLedgerTest extends ReplacementLedgerContract {

  private final InMemoryReplacementLedger ledger = new InMemoryReplacementLedger();

  @Override
  protected ReplacementLedger ledger() {
    return ledger;
  }
}
