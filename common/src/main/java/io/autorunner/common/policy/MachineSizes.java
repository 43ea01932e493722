package io.autorunner.common.policy;

import static java.util.Map.entry;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many vCPUs and how much memory a GCE machine type has, told from its name alone: the bounds
 * on what a label may cost are held against these. The figures are GCE's documented ones (the
 * machine-family pages): a predefined type's number is its vCPUs and its memory follows from the
 * family's GB per vCPU for that kind, an accelerator-optimised {@code -Ng} type is N times a fixed
 * per-GPU shape, a custom type names both. A type this table does not cover has no size here, and
 * is refused rather than guessed cheap.
 *
 * <p>Memory is counted in whole thousandths of a GB, which every figure here is exactly (the
 * smallest step is f1-micro's 0.6 GB, c4d's 0.125 GB per vCPU, a custom type's 256 MB), rather than
 * in {@link BigDecimal}: the JDK's {@code BigDecimal} class initialiser computes 5^65536, ~35 ms of
 * CPU that the scheduler's start-up would spend before its first webhook for a comparison of two
 * whole numbers.
 */
public final class MachineSizes {

  /**
   * A machine type's vCPUs and memory, in thousandths of a GB as GCE counts GB (a custom type's MB
   * / 1024).
   */
  public record MachineSize(int vcpus, long memoryMilliGb) {

    /** The memory in GB, exactly. */
    public BigDecimal memoryGb() {
      return BigDecimal.valueOf(memoryMilliGb, 3);
    }
  }

  /** A custom type's memory is a multiple of 256 MB (GCE refuses any other), 250 thousandths. */
  private static final int CUSTOM_MEMORY_STEP_MB = 256;

  private static final Pattern PREDEFINED =
      Pattern.compile("([a-z][a-z0-9]{1,4}-[a-z]+)-([0-9]{1,3})(?:-lssd|-metal)?");

  private static final Pattern PER_GPU =
      Pattern.compile("([a-z][a-z0-9]{1,4}-[a-z]+)-([0-9]{1,2})g");

  private static final Pattern CUSTOM =
      Pattern.compile("[a-z][a-z0-9]{1,4}-custom-([0-9]{1,3})-([0-9]{3,7})(?:-ext)?");

  /**
   * GB of memory per vCPU of a family's kind. Where GCE rounds a small type down (c4-standard-2 has
   * 7 GB, not 7.5) or gives its largest less (n2-highmem-128 has 864 GB, not 1,024), the ratio
   * counts a little more than there is, which only ever refuses; where GCE gives more than the
   * ratio, the type is in {@link #EXCEPTIONS}.
   */
  private static final Map<String, Long> MILLI_GB_PER_VCPU =
      Map.ofEntries(
          ratio("e2-standard", "4"),
          ratio("e2-highmem", "8"),
          ratio("e2-highcpu", "1"),
          ratio("n1-standard", "3.75"),
          ratio("n1-highmem", "6.5"),
          ratio("n1-highcpu", "0.9"),
          ratio("n2-standard", "4"),
          ratio("n2-highmem", "8"),
          ratio("n2-highcpu", "1"),
          ratio("n2d-standard", "4"),
          ratio("n2d-highmem", "8"),
          ratio("n2d-highcpu", "1"),
          ratio("n4-standard", "4"),
          ratio("n4-highmem", "8"),
          ratio("n4-highcpu", "2"),
          ratio("c2-standard", "4"),
          ratio("c2d-standard", "4"),
          ratio("c2d-highmem", "8"),
          ratio("c2d-highcpu", "2"),
          ratio("c3-standard", "4"),
          ratio("c3-highmem", "8"),
          ratio("c3-highcpu", "2"),
          ratio("c3d-standard", "4"),
          ratio("c3d-highmem", "8"),
          ratio("c3d-highcpu", "2"),
          ratio("c4-standard", "3.75"),
          ratio("c4-highmem", "7.75"),
          ratio("c4-highcpu", "2"),
          ratio("c4d-standard", "3.875"),
          ratio("c4d-highmem", "7.875"),
          ratio("c4d-highcpu", "1.875"),
          ratio("t2d-standard", "4"),
          ratio("g2-standard", "4"),
          ratio("h3-standard", "4"),
          ratio("z3-highmem", "8"));

  /** Accelerator-optimised {@code -Ng} types: the vCPUs and memory that come with each GPU. */
  private static final Map<String, MachineSize> PER_GPU_SHAPE =
      Map.of(
          "a2-highgpu", size(12, "85"),
          "a2-megagpu", size(6, "85"),
          "a2-ultragpu", size(12, "170"),
          "a3-highgpu", size(26, "234"));

  /** Shared-core types, and types with more memory than their family's ratio gives. */
  private static final Map<String, MachineSize> EXCEPTIONS =
      Map.of(
          "e2-micro", size(2, "1"),
          "e2-small", size(2, "2"),
          "e2-medium", size(2, "4"),
          "f1-micro", size(1, "0.6"),
          "g1-small", size(1, "1.7"),
          "c3-highcpu-192-metal", size(192, "512"));

  private MachineSizes() {}

  /** The size of a machine type, or empty when its name does not tell it. */
  public static Optional<MachineSize> of(String machineType) {
    MachineSize exception = EXCEPTIONS.get(machineType);
    if (exception != null) {
      return Optional.of(exception);
    }
    Matcher custom = CUSTOM.matcher(machineType);
    if (custom.matches()) {
      long mb = Long.parseLong(custom.group(2));
      if (mb % CUSTOM_MEMORY_STEP_MB != 0) {
        return Optional.empty();
      }
      // 256 MB is 0.25 GB: a whole number of thousandths.
      return Optional.of(
          new MachineSize(Integer.parseInt(custom.group(1)), mb / CUSTOM_MEMORY_STEP_MB * 250));
    }
    Matcher predefined = PREDEFINED.matcher(machineType);
    if (predefined.matches()) {
      int vcpus = Integer.parseInt(predefined.group(2));
      return Optional.ofNullable(MILLI_GB_PER_VCPU.get(predefined.group(1)))
          .map(perVcpu -> new MachineSize(vcpus, perVcpu * vcpus));
    }
    Matcher perGpu = PER_GPU.matcher(machineType);
    if (perGpu.matches()) {
      int gpus = Integer.parseInt(perGpu.group(2));
      return Optional.ofNullable(PER_GPU_SHAPE.get(perGpu.group(1)))
          .map(shape -> new MachineSize(shape.vcpus() * gpus, shape.memoryMilliGb() * gpus));
    }
    return Optional.empty();
  }

  /** True for a bare-metal type ({@code c3-standard-192-metal}): a whole host. */
  static boolean isMetal(String machineType) {
    return machineType.endsWith("-metal");
  }

  private static Map.Entry<String, Long> ratio(String familyKind, String gbPerVcpu) {
    return entry(familyKind, milli(gbPerVcpu));
  }

  private static MachineSize size(int vcpus, String memoryGb) {
    return new MachineSize(vcpus, milli(memoryGb));
  }

  /** {@code "3.875"} as 3875: a figure of this table, with at most three decimals. */
  static long milli(String gb) {
    int point = gb.indexOf('.');
    String whole = point < 0 ? gb : gb.substring(0, point);
    String fraction = point < 0 ? "" : gb.substring(point + 1);
    boolean digits = (whole + fraction).chars().allMatch(c -> c >= '0' && c <= '9');
    if (whole.isEmpty() || (point >= 0 && fraction.isEmpty()) || fraction.length() > 3 || !digits) {
      throw new IllegalArgumentException("not GB with at most three decimals: " + gb);
    }
    return Long.parseLong(whole) * 1000 + Long.parseLong((fraction + "000").substring(0, 3));
  }
}
