package io.autorunner.handler.auth;

import java.util.Objects;

/** The outcome of checking a VM's instance identity token. */
public sealed interface InstanceCheck permits InstanceCheck.Verified, InstanceCheck.Refused {

  /** Google vouches that this VM of our project asked, for this handler. */
  record Verified(InstanceIdentity instance) implements InstanceCheck {
    public Verified {
      Objects.requireNonNull(instance, "instance");
    }
  }

  /** Anything else: 401 (untrusted token), 403 (another project, account) or 503 (no keys). */
  record Refused(CallerCheck.Refused refusal) implements InstanceCheck {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }
}
