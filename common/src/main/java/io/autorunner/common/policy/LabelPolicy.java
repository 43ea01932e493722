package io.autorunner.common.policy;

import io.autorunner.common.event.UntrustedText;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The label language of the design, as a pure function. Labels are attacker input (any repository
 * can write {@code runs-on:}), so every label must match a strict grammar before it is read, and
 * whatever it asks for must lie within the operator's bounds. Nothing is guessed: a label that does
 * not fit is refused with a reason naming it.
 */
public final class LabelPolicy {

  /** No whitespace, quotes, {@code $}, {@code ;}, slashes or other shell metacharacters. */
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._=-]*");

  private static final Set<String> KEYS = Set.of("gpu", "machine", "disk", "image", "zone", "spot");
  private static final Pattern GPU_COUNT = Pattern.compile("(\\d{1,2})");
  private static final Pattern GPU_TYPE = Pattern.compile("(?:(\\d{1,2})x)?(nvidia-[a-z0-9-]+)");
  private static final Pattern DISK = Pattern.compile("\\d{1,6}");
  private static final Set<String> ARM_LABELS = Set.of("arm64", "arm", "aarch64");
  private static final int WINDOWS_MIN_DISK_GB = 50;

  /** How much of a label outside the grammar a refusal shows. */
  private static final int ECHO = 40;

  private final PolicyProperties bounds;

  public LabelPolicy(PolicyProperties bounds) {
    this.bounds = Objects.requireNonNull(bounds, "bounds");
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
    if (labels.size() > bounds.maxLabels()) {
      throw new Refusal(
          labels.size() + " labels given; at most " + bounds.maxLabels() + " are accepted");
    }
    Map<String, String> keyed = new HashMap<>();
    Set<String> seen = new HashSet<>();
    boolean bareGpu = false;
    String bareMachine = null;
    for (String label : labels) {
      checkGrammar(label);
      String lower = label.toLowerCase(Locale.ROOT);
      if (!seen.add(lower)) {
        throw new Refusal("label \"" + label + "\" is given twice");
      }
      int eq = lower.indexOf('=');
      if (eq >= 0) {
        String key = lower.substring(0, eq);
        String value = lower.substring(eq + 1);
        if (!KEYS.contains(key)) {
          throw new Refusal(
              "label \"" + label + "\" has an unknown key; known keys are " + sorted(KEYS));
        }
        if (value.isEmpty()) {
          throw new Refusal("label \"" + label + "\" has no value");
        }
        if (keyed.put(key, value) != null) {
          throw new Refusal("label key \"" + key + "\" is given twice");
        }
      } else if (lower.equals("gpu")) {
        bareGpu = true;
      } else if (ARM_LABELS.contains(lower)) {
        throw new Refusal("label \"" + label + "\": Arm runners are not offered, only x64");
      } else if (MachineFamilies.claimsMachineType(lower)) {
        if (bareMachine != null) {
          throw new Refusal(
              "labels \"" + bareMachine + "\" and \"" + label + "\" both name a machine type");
        }
        bareMachine = lower;
      }
      // Any other grammatical label is a plain runner label: the runner registers with it.
    }
    OperatingSystem os = OperatingSystem.of(labels);
    if (os == OperatingSystem.WINDOWS && OperatingSystem.LINUX.isNamedIn(labels)) {
      throw new Refusal("labels \"windows\" and \"linux\" contradict each other");
    }
    if (bareGpu && keyed.containsKey("gpu")) {
      throw new Refusal("labels \"gpu\" and \"gpu=" + keyed.get("gpu") + "\" are both given");
    }
    if (bareMachine != null && keyed.containsKey("machine")) {
      throw new Refusal(
          "labels \""
              + bareMachine
              + "\" and \"machine="
              + keyed.get("machine")
              + "\" both name a machine type");
    }

    String machineLabel =
        keyed.containsKey("machine") ? "machine=" + keyed.get("machine") : bareMachine;
    String machine = keyed.containsKey("machine") ? keyed.get("machine") : bareMachine;
    Accelerator gpu = null;
    String gpuLabel = null;
    if (bareGpu) {
      gpu = new Accelerator(bounds.defaultGpuType(), 1);
      gpuLabel = "gpu";
    } else if (keyed.containsKey("gpu")) {
      gpuLabel = "gpu=" + keyed.get("gpu");
      gpu = parseGpu(gpuLabel, keyed.get("gpu"));
    }

    // A bare "gpu" asks for the default GPU type, which the bounds must allow like any other;
    // on a machine that brings its own GPUs those are checked below instead.
    if (bareGpu && (machine == null || !MachineFamilies.attachesGpusItself(machine))) {
      checkGpuBounds(gpuLabel, gpu);
    }
    if (machine != null) {
      checkMachine(machineLabel, machine);
      if (MachineFamilies.attachesGpusItself(machine)) {
        Accelerator builtIn =
            MachineFamilies.builtInGpus(machine)
                .orElseThrow(
                    () ->
                        new Refusal(
                            "label \""
                                + machineLabel
                                + "\" is not an accelerator-optimised machine type autorunner"
                                + " knows"));
        // A bare "gpu" only asks for some GPU, which these machines bring.
        if (gpu != null && !bareGpu && !gpu.type().equals(builtIn.type())) {
          throw new Refusal(
              "label \""
                  + gpuLabel
                  + "\" conflicts with \""
                  + machineLabel
                  + "\", which comes with "
                  + builtIn.type());
        }
        if (gpu != null && !bareGpu && gpu.count() != builtIn.count()) {
          throw new Refusal(
              "label \""
                  + gpuLabel
                  + "\" conflicts with \""
                  + machineLabel
                  + "\", which comes with "
                  + builtIn.count()
                  + " GPU(s)");
        }
        gpu = builtIn;
        checkGpuBounds(machineLabel, gpu);
      } else if (gpu != null) {
        String needed = MachineFamilies.familyForGpu(gpu.type());
        if (!needed.equals(MachineFamilies.familyOf(machine))) {
          throw new Refusal(
              "label \""
                  + gpuLabel
                  + "\" needs a machine of the "
                  + needed
                  + " family, not \""
                  + machineLabel
                  + "\"");
        }
      }
    } else {
      machine =
          gpu == null
              ? bounds.defaultMachineType()
              : MachineFamilies.defaultMachineFor(gpu, bounds.defaultGpuMachineType());
      String family = MachineFamilies.familyOf(machine);
      if (!bounds.allowedMachineFamilies().contains(family)) {
        throw new Refusal(
            "label \""
                + (gpuLabel == null ? "(default machine)" : gpuLabel)
                + "\" needs machine "
                + machine
                + ", whose family "
                + family
                + " is not allowed here");
      }
    }

    int disk = bounds.defaultDiskGb();
    if (keyed.containsKey("disk")) {
      disk = parseDisk("disk=" + keyed.get("disk"), keyed.get("disk"));
    }
    if (os == OperatingSystem.WINDOWS && disk < WINDOWS_MIN_DISK_GB) {
      throw new Refusal(
          "a Windows runner needs a boot disk of at least " + WINDOWS_MIN_DISK_GB + " GB");
    }
    String image = keyed.get("image");
    if (image != null && !bounds.imageAliases().containsKey(image)) {
      throw new Refusal(
          "label \"image="
              + image
              + "\" names no configured image alias"
              + (bounds.imageAliases().isEmpty()
                  ? " (none are configured)"
                  : "; known: " + sorted(bounds.imageAliases().keySet())));
    }
    String zone = keyed.get("zone");
    if (zone != null) {
      if (!ZoneName.matches(zone)) {
        throw new Refusal("label \"zone=" + zone + "\" is not a GCE zone name");
      }
      if (!bounds.allowedZones().isEmpty() && !bounds.allowedZones().contains(zone)) {
        throw new Refusal(
            "label \"zone="
                + zone
                + "\" is not an allowed zone; allowed: "
                + bounds.allowedZones());
      }
    }
    boolean spot = bounds.spot();
    if (keyed.containsKey("spot")) {
      spot =
          switch (keyed.get("spot")) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new Refusal(
                    "label \"spot=" + keyed.get("spot") + "\" must be spot=true or spot=false");
          };
    }
    return new RunnerSpec(machine, gpu, disk, image, zone, spot, os, labels);
  }

  private void checkGrammar(String label) {
    if (label.length() > bounds.maxLabelLength()) {
      throw new Refusal(
          "label \""
              + echo(label)
              + "\" is "
              + label.length()
              + " characters long; at most "
              + bounds.maxLabelLength()
              + " are accepted");
    }
    if (!LABEL.matcher(label).matches()) {
      throw new Refusal(
          "label \""
              + echo(label)
              + "\" has characters outside letters, digits, '.', '_', '=' and '-'");
    }
  }

  private void checkMachine(String label, String machine) {
    if (!MachineFamilies.isMachineType(machine)) {
      throw new Refusal(
          "label \""
              + label
              + "\" is not a GCE machine type name (such as n1-standard-8 or e2-medium);"
              + " a plain label must not start with a machine family and a dash");
    }
    String family = MachineFamilies.familyOf(machine);
    if (MachineFamilies.ARM.contains(family)) {
      throw new Refusal("label \"" + label + "\": Arm machine families are not offered");
    }
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

  private Accelerator parseGpu(String label, String value) {
    Matcher count = GPU_COUNT.matcher(value);
    Accelerator gpu;
    if (count.matches()) {
      gpu = accelerator(label, bounds.defaultGpuType(), Integer.parseInt(count.group(1)));
    } else {
      Matcher typed = GPU_TYPE.matcher(value);
      if (!typed.matches()) {
        throw new Refusal(
            "label \"" + label + "\" must be gpu=N, gpu=TYPE or gpu=NxTYPE (e.g. gpu=2xnvidia-l4)");
      }
      int n = typed.group(1) == null ? 1 : Integer.parseInt(typed.group(1));
      gpu = accelerator(label, typed.group(2), n);
    }
    checkGpuBounds(label, gpu);
    return gpu;
  }

  private Accelerator accelerator(String label, String type, int count) {
    if (count < 1) {
      throw new Refusal("label \"" + label + "\" asks for no GPU; leave the label out instead");
    }
    return new Accelerator(type, count);
  }

  private void checkGpuBounds(String label, Accelerator gpu) {
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

  private int parseDisk(String label, String value) {
    if (!DISK.matcher(value).matches()) {
      throw new Refusal("label \"" + label + "\" must be a whole number of GB");
    }
    int gb = Integer.parseInt(value);
    if (gb < 10 || gb > bounds.maxDiskGb()) {
      throw new Refusal(
          "label \"" + label + "\" must be between 10 and " + bounds.maxDiskGb() + " GB");
    }
    return gb;
  }

  /** A label outside the grammar, as a refusal may show it. */
  private static String echo(String label) {
    return UntrustedText.printable(label, UntrustedText.Alphabet.LABEL, ECHO);
  }

  private static <T extends Comparable<T>> List<T> sorted(Set<T> values) {
    return values.stream().sorted().toList();
  }

  /** Control flow for a refusal; never leaves this class. */
  private static final class Refusal extends RuntimeException {
    Refusal(String reason) {
      super(reason, null, false, false);
    }
  }
}
