package io.autorunner.common.policy;

import java.util.Objects;

/** The outcome of reading a job's labels: a spec to build, or a refusal that says why. */
public sealed interface LabelDecision {

  /** The labels are valid and within the operator's bounds. */
  record Accepted(RunnerSpec spec) implements LabelDecision {
    public Accepted {
      Objects.requireNonNull(spec, "spec");
    }
  }

  /** A label broke the grammar or a bound; {@code reason} names the label and the rule. */
  record Refused(String reason) implements LabelDecision {
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
