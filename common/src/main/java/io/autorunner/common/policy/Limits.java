package io.autorunner.common.policy;

import io.autorunner.common.policy.LabelTokens.Token;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's bounds ({@code autorunner.policy.*}) held against what labels ask for: how many
 * labels, which GPUs and how many, which machine families, how much disk, which images and zones,
 * and whether a VM may be standard.
 */
final class Limits {

  private static final Pattern DISK = Pattern.compile("\\d{1,6}");
  private static final int MIN_DISK_GB = 10;
  private static final int WINDOWS_MIN_DISK_GB = 50;

  private final PolicyProperties bounds;
  private final List<String> placementZones;

  /**
   * @param placementZones the zones VMs are made in, where this service knows them (the handler's
   *     {@code autorunner.gce.zones}); empty where it does not
   */
  Limits(PolicyProperties bounds, List<String> placementZones) {
    this.bounds = bounds;
    this.placementZones = placementZones;
  }

  /** Checked before any label is read, so a flood of labels costs nothing. */
  void checkLabelCount(int count) {
    if (count > bounds.maxLabels()) {
      throw new Refusal(count + " labels given; at most " + bounds.maxLabels() + " are accepted");
    }
  }

  /** GPUs must be allowed at all, of an allowed known type, and in a count GCE offers. */
  void checkGpu(String label, Accelerator gpu) {
    if (bounds.maxGpus() == 0) {
      throw new Refusal("label \"" + label + "\": GPUs are not allowed here");
    }
    if (!MachineFamilies.isKnownGpuType(gpu.type())) {
      throw new Refusal("label \"" + label + "\": unknown GPU type " + gpu.type());
    }
    if (!bounds.allowedGpuTypes().contains(gpu.type())) {
      throw new Refusal(
          "label \""
              + label
              + "\": GPU type "
              + gpu.type()
              + " is not allowed here; allowed: "
              + bounds.allowedGpuTypes());
    }
    checkGpuCount(label, gpu);
  }

  private void checkGpuCount(String label, Accelerator gpu) {
    if (gpu.count() > bounds.maxGpus()) {
      throw new Refusal(
          "label \""
              + label
              + "\" asks for "
              + gpu.count()
              + " GPUs; the limit is "
              + bounds.maxGpus());
    }
    Set<Integer> counts = MachineFamilies.countsForGpu(gpu.type());
    if (!counts.contains(gpu.count())) {
      throw new Refusal(
          "label \""
              + label
              + "\": "
              + gpu.type()
              + " comes in counts of "
              + sorted(counts)
              + " per VM, not "
              + gpu.count());
    }
  }

  /** The family of a machine type a label names must be allowed. */
  void checkFamily(String label, String machineType) {
    String family = MachineFamilies.familyOf(machineType);
    if (!bounds.allowedMachineFamilies().contains(family)) {
      throw new Refusal(
          "label \""
              + label
              + "\": machine family "
              + family
              + " is not allowed here; allowed: "
              + bounds.allowedMachineFamilies());
    }
  }

  /** The family of a default machine type must be allowed too; {@code label} asked for it. */
  void checkDefaultFamily(String label, String machineType) {
    String family = MachineFamilies.familyOf(machineType);
    if (!bounds.allowedMachineFamilies().contains(family)) {
      throw new Refusal(
          "label \""
              + label
              + "\" needs machine "
              + machineType
              + ", whose family "
              + family
              + " is not allowed here");
    }
  }

  /** The boot disk {@code disk=GB} asks for, a whole number within the bounds. */
  int diskGb(Token disk) {
    if (!DISK.matcher(disk.value()).matches()) {
      throw new Refusal("label \"" + disk.label() + "\" must be a whole number of GB");
    }
    int gb = Integer.parseInt(disk.value());
    if (gb < MIN_DISK_GB || gb > bounds.maxDiskGb()) {
      throw new Refusal(
          "label \""
              + disk.label()
              + "\" must be between "
              + MIN_DISK_GB
              + " and "
              + bounds.maxDiskGb()
              + " GB");
    }
    return gb;
  }

  /** Windows Server does not fit on less. */
  void checkDiskFits(OperatingSystem os, int diskGb) {
    if (os == OperatingSystem.WINDOWS && diskGb < WINDOWS_MIN_DISK_GB) {
      throw new Refusal(
          "a Windows runner needs a boot disk of at least " + WINDOWS_MIN_DISK_GB + " GB");
    }
  }

  /** The alias {@code image=} names, which the operator must have configured. */
  String imageAlias(Token image) {
    if (!bounds.imageAliases().containsKey(image.value())) {
      throw new Refusal(
          "label \""
              + image.label()
              + "\" names no configured image alias"
              + (bounds.imageAliases().isEmpty()
                  ? " (none are configured)"
                  : "; known: " + sorted(bounds.imageAliases().keySet())));
    }
    return image.value();
  }

  /**
   * The zone {@code zone=} pins: a GCE zone name among the allowed ones; with none listed, among
   * the zones VMs are made in, so that a label cannot send a VM to a region nobody chose.
   */
  String zone(Token zone) {
    if (!ZoneName.matches(zone.value())) {
      throw new Refusal("label \"" + zone.label() + "\" is not a GCE zone name");
    }
    if (!bounds.allowedZones().isEmpty()) {
      if (!bounds.allowedZones().contains(zone.value())) {
        throw new Refusal(
            "label \""
                + zone.label()
                + "\" is not an allowed zone; allowed: autorunner.policy.allowed-zones="
                + bounds.allowedZones());
      }
    } else if (!placementZones.isEmpty() && !placementZones.contains(zone.value())) {
      throw new Refusal(
          "label \""
              + zone.label()
              + "\" is not one of the zones VMs are made in, autorunner.gce.zones="
              + placementZones
              + " (autorunner.policy.allowed-zones is empty)");
    }
    return zone.value();
  }

  /** {@code spot=false}: a standard VM, at about three times the price, only where allowed. */
  void checkStandard(Token spot) {
    if (!bounds.allowStandard()) {
      throw new Refusal(
          "label \""
              + spot.label()
              + "\": standard provisioning is not allowed here;"
              + " autorunner.policy.allow-standard=false allows Spot VMs only");
    }
  }

  private static <T extends Comparable<T>> List<T> sorted(Set<T> values) {
    return values.stream().sorted().toList();
  }
}
