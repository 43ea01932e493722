package io.autorunner.common.policy;

import io.autorunner.common.policy.LabelTokens.Token;
import java.util.Optional;

/**
 * Which machine type a job gets, and with which GPUs: the type a label names (a real x64 type of an
 * allowed family), else the default for the GPUs asked for, else the CPU default; whichever it is,
 * within the {@link MachineBounds} (allowed types, bare metal, vCPUs, memory). Accelerator-
 * optimised types (g2, a2, a3) bring their own GPUs, which a {@code gpu=} label must then match.
 */
final class MachineResolution {

  /** A machine type and the GPUs that go with it. */
  record ChosenMachine(String type, Optional<Accelerator> gpu) {}

  private final PolicyProperties bounds;
  private final Limits limits;
  private final MachineBounds machineBounds;

  MachineResolution(PolicyProperties bounds, Limits limits, MachineBounds machineBounds) {
    this.bounds = bounds;
    this.limits = limits;
    this.machineBounds = machineBounds;
  }

  ChosenMachine resolve(Optional<Token> machine, Optional<GpuRequest> gpu) {
    boolean bringsGpus =
        machine.map(m -> MachineFamilies.attachesGpusItself(m.value())).orElse(false);
    // A bare "gpu" asks for the default GPU type, which the bounds must allow like any other;
    // on a machine that brings its own GPUs those are checked instead.
    if (!bringsGpus && gpu.isPresent() && gpu.get() instanceof GpuRequest.Any any) {
      limits.checkGpu(any.label(), any.gpu());
    }
    return machine.map(m -> named(m, gpu)).orElseGet(() -> byDefault(gpu));
  }

  private ChosenMachine named(Token machine, Optional<GpuRequest> gpu) {
    checkMachineType(machine);
    if (MachineFamilies.attachesGpusItself(machine.value())) {
      return new ChosenMachine(machine.value(), Optional.of(builtInGpus(machine, gpu)));
    }
    gpu.ifPresent(g -> checkFamilyCarries(machine, g));
    return new ChosenMachine(machine.value(), gpu.map(GpuRequest::gpu));
  }

  private ChosenMachine byDefault(Optional<GpuRequest> gpu) {
    String type =
        gpu.map(g -> MachineFamilies.defaultMachineFor(g.gpu(), bounds.defaultGpuMachineType()))
            .orElse(bounds.defaultMachineType());
    String label = gpu.map(GpuRequest::label).orElse("(default machine)");
    limits.checkDefaultFamily(label, type);
    machineBounds.checkDefault(label, type);
    return new ChosenMachine(type, gpu.map(GpuRequest::gpu));
  }

  private void checkMachineType(Token machine) {
    if (!MachineFamilies.isMachineType(machine.value())) {
      throw new Refusal(
          "label \""
              + machine.label()
              + "\" is not a GCE machine type name (such as n1-standard-8 or e2-medium);"
              + " a plain label must not start with a machine family and a dash");
    }
    if (MachineFamilies.ARM.contains(MachineFamilies.familyOf(machine.value()))) {
      throw new Refusal("label \"" + machine.label() + "\": Arm machine families are not offered");
    }
    limits.checkFamily(machine.label(), machine.value());
    machineBounds.check(machine.label(), machine.value());
  }

  /** The GPUs the machine comes with; a bare {@code gpu} only asks for some, which these are. */
  private Accelerator builtInGpus(Token machine, Optional<GpuRequest> gpu) {
    Accelerator builtIn =
        MachineFamilies.builtInGpus(machine.value())
            .orElseThrow(
                () ->
                    new Refusal(
                        "label \""
                            + machine.label()
                            + "\" is not an accelerator-optimised machine type autorunner"
                            + " knows"));
    if (gpu.isPresent() && gpu.get() instanceof GpuRequest.Exact exact) {
      checkMatches(exact, machine, builtIn);
    }
    limits.checkGpu(machine.label(), builtIn);
    return builtIn;
  }

  private static void checkMatches(GpuRequest.Exact gpu, Token machine, Accelerator builtIn) {
    String conflict = "label \"" + gpu.label() + "\" conflicts with \"" + machine.label() + "\"";
    if (!gpu.gpu().type().equals(builtIn.type())) {
      throw new Refusal(conflict + ", which comes with " + builtIn.type());
    }
    if (gpu.gpu().count() != builtIn.count()) {
      throw new Refusal(conflict + ", which comes with " + builtIn.count() + " GPU(s)");
    }
  }

  /** GPUs attached to a general-purpose machine must suit its family (a T4 needs an n1). */
  private static void checkFamilyCarries(Token machine, GpuRequest gpu) {
    String needed = MachineFamilies.familyForGpu(gpu.gpu().type());
    if (!needed.equals(MachineFamilies.familyOf(machine.value()))) {
      throw new Refusal(
          "label \""
              + gpu.label()
              + "\" needs a machine of the "
              + needed
              + " family, not \""
              + machine.label()
              + "\"");
    }
  }
}
