package io.autorunner.common.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code gpu=CHOICE.CHOICE…}: GPUs a job accepts, in its order of preference. */
class GpuPreferencesTest {

  private final LabelPolicy policy = new LabelPolicy(PolicyProperties.defaults());

  private static List<String> job(String... more) {
    List<String> labels = new ArrayList<>(List.of("self-hosted", "gce"));
    labels.addAll(List.of(more));
    return labels;
  }

  private RunnerSpec accept(List<String> labels) {
    LabelDecision decision = policy.resolve(labels);
    assertThat(decision).isInstanceOf(LabelDecision.Accepted.class);
    return ((LabelDecision.Accepted) decision).spec();
  }

  private String refusal(List<String> labels) {
    LabelDecision decision = policy.resolve(labels);
    assertThat(decision).isInstanceOf(LabelDecision.Refused.class);
    return ((LabelDecision.Refused) decision).reason();
  }

  @Test
  void eachChoiceGetsTheMachineThatCarriesItInTheJobsOrder() {
    RunnerSpec spec = accept(job("gpu=nvidia-l4.nvidia-tesla-t4"));

    assertThat(spec.machineType()).isEqualTo("g2-standard-4");
    assertThat(spec.accelerator()).isEqualTo(new Accelerator("nvidia-l4", 1));
    assertThat(spec.choices())
        .extracting(RunnerSpec::machineType, RunnerSpec::accelerator)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("g2-standard-4", new Accelerator("nvidia-l4", 1)),
            org.assertj.core.groups.Tuple.tuple(
                "n1-standard-4", new Accelerator("nvidia-tesla-t4", 1)));
    assertThat(spec.choices()).allSatisfy(c -> assertThat(c.labels()).isEqualTo(spec.labels()));
    assertThat(spec.withStandardProvisioning().gpuFallbacks()).isEqualTo(spec.gpuFallbacks());
  }

  @Test
  void countsMayDifferPerChoiceAndAPlainGpuHasNoFallbacks() {
    RunnerSpec spec = accept(job("gpu=2xnvidia-l4.4xnvidia-tesla-t4"));
    assertThat(spec.choices())
        .extracting(RunnerSpec::accelerator)
        .containsExactly(new Accelerator("nvidia-l4", 2), new Accelerator("nvidia-tesla-t4", 4));
    assertThat(accept(job("gpu=nvidia-l4")).choices()).hasSize(1);
    assertThat(accept(job()).choices()).hasSize(1);
  }

  @Test
  void aChoiceNoMachineOfTheJobCarriesIsRefused() {
    assertThat(refusal(job("n1-standard-8", "gpu=nvidia-tesla-t4.nvidia-l4")))
        .contains("gpu=nvidia-tesla-t4.nvidia-l4");
  }

  @Test
  void malformedOrTooManyOrRepeatedChoicesAreRefusedByName() {
    assertThat(refusal(job("gpu=nvidia-l4..nvidia-tesla-t4"))).contains("order of preference");
    assertThat(refusal(job("gpu=nvidia-l4.nvidia-l4"))).contains("twice");
    assertThat(refusal(job("gpu=1.2.3.4.5"))).contains("more than 4");
    assertThat(refusal(job("gpu=nvidia-l4.nvidia-h100-9000gb"))).contains("nvidia-h100-9000gb");
  }
}
