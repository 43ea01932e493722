package io.autorunner.handler.ledger;

/** The store could not be reached or refused the call: the caller answers "retry". */
public final class LedgerUnavailableException extends RuntimeException {

  public LedgerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
