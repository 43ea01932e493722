package io.autorunner.common.policy;

import io.autorunner.common.policy.LabelTokens.Key;
import io.autorunner.common.policy.LabelTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the GPU labels: a bare {@code gpu}, {@code gpu=N} (of the default type), {@code gpu=TYPE}
 * (one) and {@code gpu=NxTYPE}. A GPU the label names exactly must lie within the bounds at once; a
 * bare {@code gpu} is checked once the machine is known, since that may bring GPUs of its own.
 */
final class GpuLabels {

  /** GPUs one label may name to choose from: each is tried in every zone. */
  static final int MAX_CHOICES = 4;

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
    String[] choices = token.value().split("\\.", -1);
    if (choices.length == 1) {
      Accelerator gpu = parse(token, token.value());
      limits.checkGpu(token.label(), gpu);
      return new GpuRequest.Exact(token.label(), gpu);
    }
    if (choices.length > MAX_CHOICES) {
      throw new Refusal(
          "label \""
              + token.label()
              + "\" names more than "
              + MAX_CHOICES
              + " GPUs to choose from");
    }
    List<Accelerator> gpus = new ArrayList<>();
    for (String choice : choices) {
      Accelerator gpu = parse(token, choice);
      limits.checkGpu(token.label(), gpu);
      if (gpus.contains(gpu)) {
        throw new Refusal("label \"" + token.label() + "\" names " + choice + " twice");
      }
      gpus.add(gpu);
    }
    return new GpuRequest.Preferences(token.label(), gpus);
  }

  private Accelerator parse(Token token, String value) {
    Matcher count = COUNT.matcher(value);
    if (count.matches()) {
      return accelerator(token, bounds.defaultGpuType(), Integer.parseInt(count.group(1)));
    }
    Matcher typed = TYPED.matcher(value);
    if (!typed.matches()) {
      throw new Refusal(
          "label \""
              + token.label()
              + "\" must be gpu=N, gpu=TYPE or gpu=NxTYPE (e.g. gpu=2xnvidia-l4), or choices"
              + " in order of preference joined by dots (gpu=nvidia-l4.nvidia-tesla-t4)");
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
