package io.autorunner.common.policy;

import io.autorunner.common.policy.LabelTokens.Key;
import io.autorunner.common.policy.LabelTokens.Token;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the GPU labels: a bare {@code gpu}, {@code gpu=N} (of the default type), {@code gpu=TYPE}
 * (one) and {@code gpu=NxTYPE}. A GPU the label names exactly must lie within the bounds at once; a
 * bare {@code gpu} is checked once the machine is known, since that may bring GPUs of its own.
 */
final class GpuLabels {

  private static final Pattern COUNT = Pattern.compile("(\\d{1,2})");
  private static final Pattern TYPED = Pattern.compile("(?:(\\d{1,2})x)?(nvidia-[a-z0-9-]+)");

  private final PolicyProperties bounds;
  private final Limits limits;

  GpuLabels(PolicyProperties bounds, Limits limits) {
    this.bounds = bounds;
    this.limits = limits;
  }

  /** The GPUs the labels ask for; empty for a CPU job (or one whose machine brings GPUs). */
  Optional<GpuRequest> read(LabelTokens tokens) {
    if (tokens.bareGpu()) {
      return Optional.of(new GpuRequest.Any(new Accelerator(bounds.defaultGpuType(), 1)));
    }
    return tokens.get(Key.GPU).map(this::exact);
  }

  private GpuRequest exact(Token token) {
    Accelerator gpu = parse(token);
    limits.checkGpu(token.label(), gpu);
    return new GpuRequest.Exact(token.label(), gpu);
  }

  private Accelerator parse(Token token) {
    Matcher count = COUNT.matcher(token.value());
    if (count.matches()) {
      return accelerator(token, bounds.defaultGpuType(), Integer.parseInt(count.group(1)));
    }
    Matcher typed = TYPED.matcher(token.value());
    if (!typed.matches()) {
      throw new Refusal(
          "label \""
              + token.label()
              + "\" must be gpu=N, gpu=TYPE or gpu=NxTYPE (e.g. gpu=2xnvidia-l4)");
    }
    int n = typed.group(1) == null ? 1 : Integer.parseInt(typed.group(1));
    return accelerator(token, typed.group(2), n);
  }

  private static Accelerator accelerator(Token token, String type, int count) {
    if (count < 1) {
      throw new Refusal(
          "label \"" + token.label() + "\" asks for no GPU; leave the label out instead");
    }
    return new Accelerator(type, count);
  }
}
