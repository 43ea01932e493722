package io.autorunner.common.policy;

import java.util.List;

/** What a job's GPU label asks for, with the label as a refusal names it. */
sealed interface GpuRequest {

  String label();

  Accelerator gpu();

  /** A bare {@code gpu}: some GPU; one of the default type unless the machine brings its own. */
  record Any(Accelerator gpu) implements GpuRequest {
    @Override
    public String label() {
      return "gpu";
    }
  }

  /** {@code gpu=N}, {@code gpu=TYPE} or {@code gpu=NxTYPE}: exactly this type and count. */
  record Exact(String label, Accelerator gpu) implements GpuRequest {}

  /**
   * {@code gpu=CHOICE.CHOICE…}: exactly one of these, in this order of preference; each choice is
   * {@code N}, {@code TYPE} or {@code NxTYPE}.
   */
  record Preferences(String label, List<Accelerator> gpus) implements GpuRequest {
    public Preferences {
      gpus = List.copyOf(gpus);
      if (gpus.size() < 2) {
        throw new IllegalArgumentException("preferences name at least two GPUs");
      }
    }

    /** The first choice. */
    @Override
    public Accelerator gpu() {
      return gpus.get(0);
    }

    /** Each choice as an exact request of its own, in order. */
    List<Exact> each() {
      return gpus.stream().map(g -> new Exact(label, g)).toList();
    }
  }
}
