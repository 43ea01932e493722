package io.autorunner.common.policy;

import io.autorunner.common.config.Require;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator's bounds on what labels may ask for ({@code autorunner.policy.*}). Both services
 * read the same keys: the scheduler refuses early, the handler decides for real.
 *
 * @param defaultMachineType machine of a CPU job that names none
 * @param defaultGpuMachineType machine of an n1-family GPU job (T4, V100, P4, P100) that names none
 * @param defaultGpuType the GPU behind a bare {@code gpu} label
 * @param allowedMachineFamilies machine families a job may ask for
 * @param allowedMachineTypes when not empty, the only machine types a job may get (named or by
 *     default), each still within the families and sizes below; the one way to allow bare metal
 * @param maxVcpus vCPUs per VM at most, counted from the machine type's name
 * @param maxMemoryGb GB of memory per VM at most, counted from the machine type's name
 * @param allowedGpuTypes GPU types a job may ask for
 * @param maxGpus GPUs per VM at most
 * @param defaultDiskGb boot disk of a job that names none
 * @param maxDiskGb boot disk at most
 * @param imageAliases alias → image (a URI or family path); jobs name the alias with {@code image=}
 * @param allowedZones zones a job may pin with {@code zone=}; empty: the handler's zones ({@code
 *     autorunner.gce.zones}) where they are known, else any zone
 * @param spot whether VMs are Spot unless a job says {@code spot=false}
 * @param allowStandard whether any VM may be standard (non-Spot): false refuses {@code spot=false}
 *     and turns off the handler's standard fallbacks
 * @param maxLabels labels per job at most
 * @param maxLabelLength characters per label at most
 */
@ConfigurationProperties("autorunner.policy")
public record PolicyProperties(
    @DefaultValue("e2-standard-4") String defaultMachineType,
    @DefaultValue("n1-standard-4") String defaultGpuMachineType,
    @DefaultValue("nvidia-tesla-t4") String defaultGpuType,
    @DefaultValue({"e2", "n1", "n2", "n2d", "c2", "c2d", "c3", "t2d", "g2"})
        List<String> allowedMachineFamilies,
    List<String> allowedMachineTypes,
    @DefaultValue("48") int maxVcpus,
    @DefaultValue("256") int maxMemoryGb,
    @DefaultValue({"nvidia-tesla-t4", "nvidia-l4"}) List<String> allowedGpuTypes,
    @DefaultValue("4") int maxGpus,
    @DefaultValue("100") int defaultDiskGb,
    @DefaultValue("500") int maxDiskGb,
    Map<String, String> imageAliases,
    List<String> allowedZones,
    @DefaultValue("true") boolean spot,
    @DefaultValue("true") boolean allowStandard,
    @DefaultValue("20") int maxLabels,
    @DefaultValue("64") int maxLabelLength) {

  private static final Pattern ALIAS = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

  public PolicyProperties {
    Require.notBlank(defaultMachineType, "autorunner.policy.default-machine-type");
    Require.notBlank(defaultGpuMachineType, "autorunner.policy.default-gpu-machine-type");
    Require.notBlank(defaultGpuType, "autorunner.policy.default-gpu-type");
    Require.that(
        allowedMachineFamilies != null && !allowedMachineFamilies.isEmpty(),
        "autorunner.policy.allowed-machine-families must name at least one family");
    Require.between(maxVcpus, 1, 1024, "autorunner.policy.max-vcpus");
    Require.between(maxMemoryGb, 1, 32768, "autorunner.policy.max-memory-gb");
    Require.between(maxGpus, 0, 16, "autorunner.policy.max-gpus");
    Require.between(defaultDiskGb, 10, 65536, "autorunner.policy.default-disk-gb");
    Require.between(maxDiskGb, 10, 65536, "autorunner.policy.max-disk-gb");
    Require.between(maxLabels, 1, 100, "autorunner.policy.max-labels");
    Require.between(maxLabelLength, 8, 256, "autorunner.policy.max-label-length");
    allowedMachineFamilies = lower(allowedMachineFamilies);
    allowedMachineTypes = lower(allowedMachineTypes);
    allowedGpuTypes = lower(allowedGpuTypes);
    imageAliases = imageAliases == null ? Map.of() : Map.copyOf(imageAliases);
    allowedZones = lower(allowedZones);
    checkKnown(allowedMachineFamilies, allowedGpuTypes, defaultGpuType);
    checkNames(imageAliases.keySet(), allowedZones);
    Require.that(
        defaultDiskGb <= maxDiskGb,
        "autorunner.policy.default-disk-gb is larger than autorunner.policy.max-disk-gb");
    Require.that(
        spot || allowStandard,
        "autorunner.policy.spot=false makes every VM standard, which"
            + " autorunner.policy.allow-standard=false forbids");
    checkMachineTypes(allowedMachineTypes, allowedMachineFamilies, maxVcpus, maxMemoryGb);
    checkDefaultMachine(
        "autorunner.policy.default-machine-type",
        defaultMachineType,
        allowedMachineTypes,
        maxVcpus,
        maxMemoryGb);
    if (maxGpus > 0) {
      checkDefaultMachine(
          "autorunner.policy.default-gpu-machine-type",
          defaultGpuMachineType,
          allowedMachineTypes,
          maxVcpus,
          maxMemoryGb);
    }
  }

  /**
   * A listed type no job could ever get is a mistake in the list: it must be a machine type of an
   * allowed family, within the sizes.
   */
  private static void checkMachineTypes(
      List<String> types, List<String> families, int maxVcpus, int maxMemoryGb) {
    for (String type : types) {
      String key = "autorunner.policy.allowed-machine-types: " + type;
      Require.that(MachineFamilies.isMachineType(type), key + " is not a GCE machine type name");
      Require.that(
          families.contains(MachineFamilies.familyOf(type)),
          key + ": its family is not in autorunner.policy.allowed-machine-families " + families);
      Optional<String> problem = MachineBounds.problem(type, types, maxVcpus, maxMemoryGb);
      Require.that(problem.isEmpty(), key + ": " + problem.orElse(""));
    }
  }

  /** A default every job of its kind gets must lie within the bounds, or every such job fails. */
  private static void checkDefaultMachine(
      String key, String type, List<String> types, int maxVcpus, int maxMemoryGb) {
    Optional<String> problem = MachineBounds.problem(type, types, maxVcpus, maxMemoryGb);
    Require.that(problem.isEmpty(), key + " " + type + ": " + problem.orElse(""));
  }

  /** Families and GPU types must be ones autorunner knows how to build a VM for. */
  private static void checkKnown(
      List<String> machineFamilies, List<String> gpuTypes, String defaultGpuType) {
    for (String family : machineFamilies) {
      Require.that(
          MachineFamilies.KNOWN.contains(family),
          "autorunner.policy.allowed-machine-families: unknown GCE machine family '"
              + family
              + "'");
    }
    for (String gpu : gpuTypes) {
      Require.that(
          MachineFamilies.isKnownGpuType(gpu),
          "autorunner.policy.allowed-gpu-types: unknown GPU type '" + gpu + "'");
    }
    Require.that(
        MachineFamilies.isKnownGpuType(defaultGpuType),
        "autorunner.policy.default-gpu-type: unknown GPU type '" + defaultGpuType + "'");
  }

  /** Aliases and zones are matched against label values, so they must have a label's shape. */
  private static void checkNames(Set<String> aliases, List<String> zones) {
    for (String alias : aliases) {
      Require.that(
          ALIAS.matcher(alias).matches(),
          "autorunner.policy.image-aliases: alias '"
              + alias
              + "' must be lower-case letters, digits and dashes");
    }
    for (String zone : zones) {
      Require.that(
          ZoneName.matches(zone),
          "autorunner.policy.allowed-zones: '" + zone + "' is not a GCE zone name");
    }
  }

  /** The defaults, as a service started with no {@code autorunner.policy.*} keys gets them. */
  public static PolicyProperties defaults() {
    return new PolicyProperties(
        "e2-standard-4",
        "n1-standard-4",
        "nvidia-tesla-t4",
        List.of("e2", "n1", "n2", "n2d", "c2", "c2d", "c3", "t2d", "g2"),
        List.of(),
        48,
        256,
        List.of("nvidia-tesla-t4", "nvidia-l4"),
        4,
        100,
        500,
        Map.of(),
        List.of(),
        true,
        true,
        20,
        64);
  }

  private static List<String> lower(List<String> values) {
    return values == null
        ? List.of()
        : values.stream().map(String::trim).map(v -> v.toLowerCase(Locale.ROOT)).toList();
  }
}
