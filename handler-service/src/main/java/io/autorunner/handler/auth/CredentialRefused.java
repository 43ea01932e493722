package io.autorunner.handler.auth;

/** Internal short-cut out of a check; carries the outcome the caller gets. */
final class CredentialRefused extends Exception {

  private final CallerCheck check;

  CredentialRefused(CallerCheck check) {
    // No stack trace: this is control flow for refused callers, not a fault.
    super(null, null, false, false);
    this.check = check;
  }

  static CredentialRefused unauthenticated(String reason) {
    return new CredentialRefused(new CallerCheck.Unauthenticated(reason));
  }

  CallerCheck check() {
    return check;
  }
}
