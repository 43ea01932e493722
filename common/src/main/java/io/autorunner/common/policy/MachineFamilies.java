package io.autorunner.common.policy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What autorunner knows of GCE machine families and the GPUs they take. */
public final class MachineFamilies {

  /** Every GCE machine family, so that a bare {@code n1-standard-8} label is read as a machine. */
  static final Set<String> KNOWN =
      Set.of(
          "a2", "a3", "a4", "c2", "c2d", "c3", "c3d", "c4", "c4a", "c4d", "ct5l", "e2", "f1", "g1",
          "g2", "g4", "h3", "h4d", "m1", "m2", "m3", "m4", "n1", "n2", "n2d", "n4", "t2a", "t2d",
          "x4", "z3");

  /** Families on Arm: the runner and bootstrap we ship are x64 only. */
  static final Set<String> ARM = Set.of("t2a", "c4a");

  /** A label that starts with a known family and a dash claims to be a machine type. */
  private static final Pattern FAMILY_PREFIX = Pattern.compile("[a-z][a-z0-9]{1,4}-.*");

  /**
   * The shapes GCE machine type names take: predefined ({@code n1-standard-8}, {@code
   * a2-highgpu-1g}, {@code c3-standard-4-lssd}), shared-core ({@code e2-medium}) and custom ({@code
   * n2-custom-8-32768}).
   */
  private static final Pattern MACHINE_TYPE =
      Pattern.compile(
          "[a-z][a-z0-9]{1,4}-(?:standard|highmem|highcpu|highgpu|megagpu|ultragpu|ultramem"
              + "|megamem|hypermem|edgegpu)-[0-9]{1,3}(?:g|-lssd|-metal)?"
              + "|(?:e2|f1|g1)-(?:micro|small|medium)"
              + "|[a-z][a-z0-9]{1,4}-custom-[0-9]{1,3}-[0-9]{3,7}(?:-ext)?");

  /** GPU type → the family that carries it. */
  private static final Map<String, String> GPU_FAMILY =
      Map.of(
          "nvidia-tesla-t4", "n1",
          "nvidia-tesla-v100", "n1",
          "nvidia-tesla-p4", "n1",
          "nvidia-tesla-p100", "n1",
          "nvidia-l4", "g2",
          "nvidia-tesla-a100", "a2",
          "nvidia-a100-80gb", "a2",
          "nvidia-h100-80gb", "a3");

  /** GPU type → the counts GCE allows per VM. */
  private static final Map<String, Set<Integer>> GPU_COUNTS =
      Map.of(
          "nvidia-tesla-t4", Set.of(1, 2, 4),
          "nvidia-tesla-v100", Set.of(1, 2, 4, 8),
          "nvidia-tesla-p4", Set.of(1, 2, 4),
          "nvidia-tesla-p100", Set.of(1, 2, 4),
          "nvidia-l4", Set.of(1, 2, 4, 8),
          "nvidia-tesla-a100", Set.of(1, 2, 4, 8, 16),
          "nvidia-a100-80gb", Set.of(1, 2, 4, 8),
          "nvidia-h100-80gb", Set.of(1, 2, 4, 8));

  /** g2 machine type → its fixed number of L4 GPUs. */
  private static final Map<String, Integer> G2_GPUS =
      Map.of(
          "g2-standard-4", 1,
          "g2-standard-8", 1,
          "g2-standard-12", 1,
          "g2-standard-16", 1,
          "g2-standard-32", 1,
          "g2-standard-24", 2,
          "g2-standard-48", 4,
          "g2-standard-96", 8);

  private static final Pattern A_SERIES =
      Pattern.compile("(a2-(?:highgpu|megagpu|ultragpu)|a3-highgpu)-(\\d+)g");

  private MachineFamilies() {}

  public static String familyOf(String machineType) {
    int dash = machineType.indexOf('-');
    return dash < 0 ? machineType : machineType.substring(0, dash);
  }

  /**
   * True when the label starts like a machine type of a known GCE family ({@code n1-…}); such a
   * label is read as a machine and must then be a real machine type name, never a plain label.
   */
  static boolean claimsMachineType(String label) {
    return FAMILY_PREFIX.matcher(label).matches() && KNOWN.contains(familyOf(label));
  }

  /** True when the name has the shape of a GCE machine type of a known family. */
  static boolean isMachineType(String name) {
    return MACHINE_TYPE.matcher(name).matches() && KNOWN.contains(familyOf(name));
  }

  static boolean isKnownGpuType(String type) {
    return GPU_FAMILY.containsKey(type);
  }

  static String familyForGpu(String type) {
    return GPU_FAMILY.get(type);
  }

  static Set<Integer> countsForGpu(String type) {
    return GPU_COUNTS.get(type);
  }

  /**
   * Accelerator-optimised families (g2, a2, a3) come with their GPUs attached: GCE refuses a
   * guestAccelerators entry for them.
   */
  public static boolean attachesGpusItself(String machineType) {
    String family = familyOf(machineType);
    return family.equals("g2") || family.equals("a2") || family.equals("a3");
  }

  /** The GPUs an accelerator-optimised machine type comes with, if it is one we know. */
  static Optional<Accelerator> builtInGpus(String machineType) {
    Integer l4 = G2_GPUS.get(machineType);
    if (l4 != null) {
      return Optional.of(new Accelerator("nvidia-l4", l4));
    }
    Matcher m = A_SERIES.matcher(machineType);
    if (m.matches()) {
      String type =
          switch (m.group(1)) {
            case "a2-ultragpu" -> "nvidia-a100-80gb";
            case "a3-highgpu" -> "nvidia-h100-80gb";
            default -> "nvidia-tesla-a100";
          };
      return Optional.of(new Accelerator(type, Integer.parseInt(m.group(2))));
    }
    return Optional.empty();
  }

  /** The machine type to use for a GPU request when the job named none. */
  static String defaultMachineFor(Accelerator gpu, String defaultN1GpuMachine) {
    return switch (gpu.type()) {
      case "nvidia-l4" ->
          switch (gpu.count()) {
            case 1 -> "g2-standard-4";
            case 2 -> "g2-standard-24";
            case 4 -> "g2-standard-48";
            default -> "g2-standard-96";
          };
      case "nvidia-tesla-a100" ->
          gpu.count() == 16 ? "a2-megagpu-16g" : "a2-highgpu-" + gpu.count() + "g";
      case "nvidia-a100-80gb" -> "a2-ultragpu-" + gpu.count() + "g";
      case "nvidia-h100-80gb" -> "a3-highgpu-" + gpu.count() + "g";
      default -> defaultN1GpuMachine;
    };
  }
}
