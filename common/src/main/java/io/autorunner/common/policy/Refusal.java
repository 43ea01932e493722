package io.autorunner.common.policy;

/**
 * A label broke the grammar or a bound: control flow from deep inside the checks up to {@link
 * LabelPolicy#resolve}, which answers with a {@link LabelDecision.Refused}. Never leaves this
 * package, and carries no stack trace: it is an answer, not a failure.
 */
final class Refusal extends RuntimeException {

  Refusal(String reason) {
    super(reason, null, false, false);
  }
}
