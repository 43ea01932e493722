package io.autorunner.common.policy;

import java.util.List;
import java.util.Locale;

/** The guest OS of a runner VM; it picks the image and the bootstrap script. */
public enum OperatingSystem {
  LINUX,
  WINDOWS;

  private final String label = name().toLowerCase(Locale.ROOT);

  /**
   * The OS a job's labels ask for: Windows when one label is {@code windows} (in any case), else
   * Linux. The one place this is decided, so the VM a job gets, the name it is released by and the
   * name of its replacement agree.
   */
  public static OperatingSystem of(List<String> labels) {
    return WINDOWS.isNamedIn(labels) ? WINDOWS : LINUX;
  }

  /** True when one of the labels is this OS's own label ({@code linux}, {@code windows}). */
  boolean isNamedIn(List<String> labels) {
    return labels.stream().anyMatch(label::equalsIgnoreCase);
  }
}
