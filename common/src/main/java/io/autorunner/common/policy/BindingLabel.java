package io.autorunner.common.policy;

import io.autorunner.common.policy.LabelTokens.Token;
import java.util.List;
import java.util.Optional;

/**
 * The binding label, {@code bind=VALUE}: a label a workflow writes from its run and job so that no
 * other job carries it. GitHub hands a queued job any idle runner whose labels include all of the
 * job's, so a runner made for a GPU job also takes a CPU job whose labels are a subset of the GPU
 * job's; a job with a label only its own runner carries cannot take anyone else's runner.
 *
 * <p>The value is dash-separated parts of letters, digits, {@code _} and {@code .} (job ids may
 * hold {@code _}), no part empty: an expression that is empty where {@code runs-on} is evaluated
 * leaves an empty part ({@code github.job} is null there), and a value missing a part is no longer
 * unique per job. The label is not read for the machine, and the runner registers with it like any
 * other; it counts toward {@code max-labels} and {@code max-label-length}.
 */
public final class BindingLabel {

  /** The key of the binding label. */
  public static final String KEY = "bind";

  private static final String PREFIX = KEY + "=";

  private BindingLabel() {}

  /** The binding label among a job's labels, as the job wrote it; empty when it has none. */
  public static Optional<String> in(List<String> labels) {
    return labels.stream().filter(BindingLabel::is).findFirst();
  }

  /** True for a label of the {@code bind=} key, in any case. */
  public static boolean is(String label) {
    return label.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /** Refuses a value outside the binding grammar; the label grammar has been checked already. */
  static void check(Token bind) {
    String value = bind.value();
    if (value.indexOf('=') >= 0) {
      throw new Refusal("label \"" + bind.label() + "\": a bind= value has no '='");
    }
    if (value.startsWith("-") || value.endsWith("-") || value.contains("--")) {
      throw new Refusal(
          "label \""
              + bind.label()
              + "\" has an empty part between dashes: an expression in runs-on came out empty"
              + " (github.job is null there: write the job's id instead), so the label may not"
              + " be unique to this job");
    }
  }
}
