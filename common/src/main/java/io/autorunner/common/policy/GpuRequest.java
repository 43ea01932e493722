package io.autorunner.common.policy;

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
}
