package io.autorunner.common.policy;

import static io.autorunner.common.policy.LabelPolicyTest.accept;
import static io.autorunner.common.policy.LabelPolicyTest.job;
import static io.autorunner.common.policy.LabelPolicyTest.refuse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The binding label {@code bind=…}: its grammar, its bounds, and that it chooses no machine. */
class BindingLabelTest {

  private final LabelPolicy policy = new LabelPolicy(PolicyProperties.defaults());

  /** What the README's runs-on line gives for job {@code gpu_tests}, matrix entry 3. */
  private static final String README_LINE_VALUE = "bind=gpu_tests-12345678901-2-3";

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        README_LINE_VALUE,
        "bind=build-9876543210-1-0",
        "bind=_private-1-1-0",
        "BIND=Train.Large-1-1-0",
        "bind=7",
        "bind=a_b.c"
      })
  void bindingLabelsAreAcceptedAndKeptAsWrittenInTheRunnersLabels(String bind) {
    List<String> labels = job("gpu", bind);

    RunnerSpec spec = accept(policy, labels);

    assertThat(spec.labels()).containsExactlyElementsOf(labels).contains(bind);
    assertThat(spec.binding()).contains(bind);
  }

  @Test
  void theBindingLabelChoosesNoMachine() {
    List<String> labels = job("gpu=2xnvidia-tesla-t4", "disk=200", "zone=us-east4-c");
    List<String> bound = new ArrayList<>(labels);
    bound.add(README_LINE_VALUE);

    RunnerSpec plain = accept(policy, labels);
    RunnerSpec withBinding = accept(policy, bound);

    assertThat(withBinding).usingRecursiveComparison().ignoringFields("labels").isEqualTo(plain);
    assertThat(withBinding.labels()).containsExactlyElementsOf(bound);
  }

  @Test
  void aBindingValueThatLooksLikeAMachineOrAnOsIsStillOnlyABinding() {
    RunnerSpec spec = accept(policy, job("bind=windows-n1-standard-96-gpu-1-1-0"));

    assertThat(spec.os()).isEqualTo(OperatingSystem.LINUX);
    assertThat(spec.machineType()).isEqualTo(PolicyProperties.defaults().defaultMachineType());
    assertThat(spec.hasGpu()).isFalse();
  }

  @Test
  void aJobWithoutABindingLabelHasNone() {
    assertThat(accept(policy, job("gpu", "binder", "j-1-1-0")).binding()).isEmpty();
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        // ${{ github.job }} is null where runs-on is evaluated: the line gives an empty part.
        Arguments.of("bind=-12345678901-1-0", "empty part"),
        Arguments.of("bind=tests-12345678901-1--0", "github.job is null"),
        Arguments.of("bind=tests-12345678901-1-", "empty part"),
        Arguments.of("bind=tests=1", "no '='"),
        Arguments.of("bind=", "no value"),
        Arguments.of("bind=tests/1", "outside letters, digits"),
        Arguments.of("bind=${{github.run_id}}", "outside letters, digits"));
  }

  @ParameterizedTest(name = "{0} refused: {1}")
  @MethodSource("refusals")
  void malformedBindingLabelsAreRefusedWithAReason(String bind, String rule) {
    String reason = refuse(policy, job(bind));

    assertThat(reason).contains(rule);
  }

  @Test
  void aSecondBindingLabelIsRefused() {
    String reason = refuse(policy, job("bind=a-1-1-0", "Bind=b-1-1-0"));

    assertThat(reason).contains("\"bind\"").contains("twice");
  }

  @Test
  void theBindingLabelIsHeldToTheLabelLength() {
    String longest = "bind=" + "j".repeat(64 - 5);
    String tooLong = longest + "x";

    assertThat(accept(policy, job(longest)).binding()).contains(longest);
    assertThat(refuse(policy, job(tooLong))).contains("65 characters").contains("at most 64");
  }

  @Test
  void theBindingLabelCountsTowardTheLabelCount() {
    List<String> nineteen = new ArrayList<>(job());
    for (int i = nineteen.size(); i < 19; i++) {
      nineteen.add("team-" + i);
    }
    List<String> twenty = new ArrayList<>(nineteen);
    twenty.add("bind=x-1-1-0");
    List<String> twentyOne = new ArrayList<>(twenty);
    twentyOne.add("one-more");

    assertThat(accept(policy, twenty).binding()).contains("bind=x-1-1-0");
    assertThat(refuse(policy, twentyOne)).contains("21 labels").contains("at most 20");
  }

  @Test
  void findsTheBindingLabelInAnyCase() {
    assertThat(BindingLabel.in(List.of("self-hosted", "BiNd=X-1"))).contains("BiNd=X-1");
    assertThat(BindingLabel.is("bind")).isFalse();
    assertThat(BindingLabel.is("binding=1")).isFalse();
  }
}
