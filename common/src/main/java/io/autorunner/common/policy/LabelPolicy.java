package io.autorunner.common.policy;

import io.autorunner.common.policy.LabelTokens.Key;
import io.autorunner.common.policy.MachineResolution.ChosenMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The label language of the design, as a pure function. Labels are attacker input (any repository
 * can write {@code runs-on:}), so every label must match a strict grammar before it is read, and
 * whatever it asks for must lie within the operator's bounds. Nothing is guessed: a label that does
 * not fit is refused with a reason naming it.
 *
 * <p>The steps, in the order their refusals come: the label count ({@link Limits}), the grammar
 * ({@link LabelTokens}), the binding label ({@link BindingLabel}), the GPUs ({@link GpuLabels}),
 * the machine ({@link MachineResolution}, its size held to {@link MachineBounds}), then disk,
 * image, zone and provisioning.
 */
public final class LabelPolicy {

  private final PolicyProperties bounds;
  private final Limits limits;
  private final GpuLabels gpus;
  private final MachineResolution machines;

  /**
   * Where the zones VMs are made in are not known (the scheduler): with no {@code
   * autorunner.policy.allowed-zones}, any well-formed zone may be pinned, and the handler decides.
   */
  public LabelPolicy(PolicyProperties bounds) {
    this(bounds, List.of());
  }

  /**
   * @param placementZones the zones VMs are made in ({@code autorunner.gce.zones}): with no {@code
   *     autorunner.policy.allowed-zones}, {@code zone=} must name one of them
   */
  public LabelPolicy(PolicyProperties bounds, List<String> placementZones) {
    this.bounds = Objects.requireNonNull(bounds, "bounds");
    this.limits =
        new Limits(
            bounds,
            placementZones.stream()
                .map(String::trim)
                .map(z -> z.toLowerCase(Locale.ROOT))
                .toList());
    this.gpus = new GpuLabels(bounds, limits);
    this.machines = new MachineResolution(bounds, limits, new MachineBounds(bounds));
  }

  /**
   * True for a label within the label grammar's characters: what a runner may register with, read
   * back where it was stored.
   */
  public static boolean isGrammatical(String label) {
    return LabelTokens.grammatical(label);
  }

  public PolicyProperties bounds() {
    return bounds;
  }

  /** Reads a job's labels into a runner spec, or refuses with the label and the rule it broke. */
  public LabelDecision resolve(List<String> labels) {
    try {
      return new LabelDecision.Accepted(read(labels));
    } catch (Refusal refusal) {
      return new LabelDecision.Refused(refusal.getMessage());
    }
  }

  private RunnerSpec read(List<String> labels) {
    limits.checkLabelCount(labels.size());
    LabelTokens tokens = LabelTokens.read(labels, bounds.maxLabelLength());
    // Only checked: the binding label chooses no machine, and the runner registers with it.
    tokens.get(Key.BIND).ifPresent(BindingLabel::check);
    Optional<GpuRequest> asked = gpus.read(tokens);
    // Choices in order of preference: each must make a machine on its own.
    List<GpuRequest> choices =
        asked
            .map(
                g ->
                    g instanceof GpuRequest.Preferences p
                        ? List.<GpuRequest>copyOf(p.each())
                        : List.of(g))
            .orElse(List.of());
    Optional<GpuRequest> gpu = choices.stream().findFirst();
    ChosenMachine machine = machines.resolve(tokens.machine(), gpu);
    List<RunnerSpec.GpuChoice> fallbacks = new ArrayList<>();
    for (GpuRequest next : choices.subList(Math.min(1, choices.size()), choices.size())) {
      ChosenMachine other = machines.resolve(tokens.machine(), Optional.of(next));
      fallbacks.add(new RunnerSpec.GpuChoice(other.type(), other.gpu().orElseThrow()));
    }
    int diskGb = tokens.get(Key.DISK).map(limits::diskGb).orElse(bounds.defaultDiskGb());
    limits.checkDiskFits(tokens.os(), diskGb);
    String image = tokens.get(Key.IMAGE).map(limits::imageAlias).orElse(null);
    String zone = tokens.get(Key.ZONE).map(limits::zone).orElse(null);
    boolean spot = tokens.spot().orElse(bounds.spot());
    if (!spot) {
      tokens.get(Key.SPOT).ifPresent(limits::checkStandard);
    }
    return new RunnerSpec(
        machine.type(),
        machine.gpu().orElse(null),
        diskGb,
        image,
        zone,
        spot,
        tokens.os(),
        labels,
        fallbacks);
  }
}
