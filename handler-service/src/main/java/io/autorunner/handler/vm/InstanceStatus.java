package io.autorunner.handler.vm;

import java.util.Locale;

/**
 * Compute Engine's lifecycle states of a VM. Each constant is named exactly as GCE spells the word,
 * so a status prints as GCE reported it. A word this enum does not know reads as {@link #OTHER},
 * which counts as not stopped: a VM in a state we cannot name is left to the age rules.
 */
public enum InstanceStatus {
  PENDING(false),
  PROVISIONING(false),
  STAGING(false),
  RUNNING(false),
  REPAIRING(false),
  STOPPING(true),
  STOPPED(true),
  SUSPENDING(true),
  SUSPENDED(true),
  TERMINATED(true),
  /** Deleting: not counted as stopped, so the VM is left to finish going. */
  DEPROVISIONING(false),
  /** A word GCE added after this enum, or none at all. */
  OTHER(false);

  private final boolean stopped;

  InstanceStatus(boolean stopped) {
    this.stopped = stopped;
  }

  /** Reads GCE's status word; an empty, missing or new word is {@link #OTHER}. */
  public static InstanceStatus of(String gceWord) {
    if (gceWord == null || gceWord.isBlank()) {
      return OTHER;
    }
    try {
      return valueOf(gceWord.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      return OTHER;
    }
  }

  /** True for a VM that no longer runs, or is on its way down (stopping, suspending). */
  public boolean stopped() {
    return stopped;
  }
}
