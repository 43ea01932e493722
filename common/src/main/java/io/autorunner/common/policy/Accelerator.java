package io.autorunner.common.policy;

import java.util.Objects;

/** GPUs attached to a VM: a GCE accelerator type such as {@code nvidia-tesla-t4} and a count. */
public record Accelerator(String type, int count) {
  public Accelerator {
    Objects.requireNonNull(type, "type");
    if (count < 1) {
      throw new IllegalArgumentException("an accelerator count must be at least 1");
    }
  }
}
