package io.autorunner.common.policy;

import io.autorunner.common.policy.MachineSizes.MachineSize;
import java.util.List;
import java.util.Optional;

/**
 * The operator's bounds on the machine a job gets, whoever chose it: the exact types allowed (when
 * {@code autorunner.policy.allowed-machine-types} lists any), bare metal only when listed, and at
 * most {@code max-vcpus} vCPUs and {@code max-memory-gb} of memory as {@link MachineSizes} tells
 * them from the name. A type whose size cannot be told is refused: a label could otherwise name the
 * most expensive machine of an allowed family.
 */
final class MachineBounds {

  private final PolicyProperties bounds;

  MachineBounds(PolicyProperties bounds) {
    this.bounds = bounds;
  }

  /** The machine type a label names. */
  void check(String label, String machineType) {
    problem(machineType, bounds).ifPresent(p -> refuse("label \"" + label + "\": " + p));
  }

  /** A default machine type, which {@code label} asked for. */
  void checkDefault(String label, String machineType) {
    problem(machineType, bounds)
        .ifPresent(p -> refuse("label \"" + label + "\" needs machine " + machineType + ": " + p));
  }

  private static void refuse(String reason) {
    throw new Refusal(reason);
  }

  static Optional<String> problem(String machineType, PolicyProperties bounds) {
    return problem(
        machineType, bounds.allowedMachineTypes(), bounds.maxVcpus(), bounds.maxMemoryGb());
  }

  /**
   * What keeps {@code machineType} out, if anything; the sentence names the bound and its value.
   * Static with the bare values, so that the configuration can hold its own defaults to it.
   */
  static Optional<String> problem(
      String machineType, List<String> allowedTypes, int maxVcpus, int maxMemoryGb) {
    if (!allowedTypes.isEmpty() && !allowedTypes.contains(machineType)) {
      return Optional.of("not in autorunner.policy.allowed-machine-types " + allowedTypes);
    }
    if (MachineSizes.isMetal(machineType) && !allowedTypes.contains(machineType)) {
      return Optional.of(
          "a bare-metal type, refused unless autorunner.policy.allowed-machine-types names it");
    }
    Optional<MachineSize> size = MachineSizes.of(machineType);
    if (size.isEmpty()) {
      return Optional.of(
          "autorunner cannot tell its vCPUs and memory from its name, so it cannot hold it to"
              + " autorunner.policy.max-vcpus and autorunner.policy.max-memory-gb");
    }
    int vcpus = size.get().vcpus();
    if (vcpus > maxVcpus) {
      return Optional.of(vcpus + " vCPUs is over autorunner.policy.max-vcpus=" + maxVcpus);
    }
    if (size.get().memoryMilliGb() > maxMemoryGb * 1000L) {
      return Optional.of(
          size.get().memoryGb().stripTrailingZeros().toPlainString()
              + " GB of memory is over autorunner.policy.max-memory-gb="
              + maxMemoryGb);
    }
    return Optional.empty();
  }
}
