package io.autorunner.handler.auth;

import java.util.Objects;

/**
 * The outcome of checking who calls a task endpoint. Reasons are meant for the log: they name what
 * was wrong (a claim, an issuer, an expiry) and never carry the token itself.
 */
public sealed interface CallerCheck permits CallerCheck.Accepted, CallerCheck.Refused {

  /** The HTTP status the caller gets for this outcome. */
  int httpStatus();

  /** The caller is the configured invoker (or checks are off); {@code email} says who. */
  record Accepted(String email) implements CallerCheck {
    public Accepted {
      Objects.requireNonNull(email, "email");
    }

    @Override
    public int httpStatus() {
      return 200;
    }
  }

  /** Any outcome but acceptance: the request must not go on. */
  sealed interface Refused extends CallerCheck
      permits CallerCheck.Unauthenticated, CallerCheck.Forbidden, CallerCheck.Unavailable {

    /** What was wrong, for the log; never contains the token. */
    String reason();
  }

  /**
   * 401: no credential, or one we cannot trust (malformed, bad signature, expired, wrong issuer or
   * audience).
   */
  record Unauthenticated(String reason) implements Refused {
    public Unauthenticated {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public int httpStatus() {
      return 401;
    }
  }

  /** 403: a genuine Google token for this handler, but of another identity than the invoker. */
  record Forbidden(String reason) implements Refused {
    public Forbidden {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public int httpStatus() {
      return 403;
    }
  }

  /**
   * 503: the check itself could not run (Google's signing keys could not be fetched). Not the
   * caller's fault, so it is told to retry rather than that it is unknown; Cloud Tasks retries it.
   */
  record Unavailable(String reason) implements Refused {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public int httpStatus() {
      return 503;
    }
  }
}
