package io.autorunner.common.naming;

import static io.autorunner.common.policy.OperatingSystem.LINUX;
import static io.autorunner.common.policy.OperatingSystem.WINDOWS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autorunner.common.policy.OperatingSystem;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class InstanceNamingTest {

  /** RFC 1035 label, which GCE requires of instance names. */
  private static final Pattern RFC_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  private static final long JOB_ID = 30433642148L;

  /** Job ids across every length that changes the shape of a name, up to the largest there is. */
  private static final List<Long> JOB_IDS =
      List.of(
          1L,
          35L,
          36L,
          1298L,
          JOB_ID,
          78_364_164_095L, // 36^7 - 1: the last 7-digit base-36 id
          2_821_109_907_455L, // 36^8 - 1
          2_821_109_907_456L, // 36^8
          101_559_956_668_415L, // 36^9 - 1
          3_656_158_440_062_975L, // 36^10 - 1
          3_656_158_440_062_976L, // 36^10
          131_621_703_842_267_136L, // 36^11
          Long.MAX_VALUE);

  private final InstanceNaming naming = new InstanceNaming("ghr");

  @Test
  void linuxNameIsPrefixJobAndAttempt() {
    assertThat(naming.instanceName(JOB_ID, 1, LINUX)).isEqualTo("ghr-30433642148-1");
    assertThat(naming.instanceName(JOB_ID, 3, LINUX)).isEqualTo("ghr-30433642148-3");
  }

  @Test
  void sameJobAndAttemptAlwaysGiveTheSameName() {
    InstanceNaming scheduler = new InstanceNaming("ghr");
    InstanceNaming handler = new InstanceNaming("ghr");

    for (OperatingSystem os : OperatingSystem.values()) {
      for (long jobId : JOB_IDS) {
        assertThat(scheduler.instanceName(jobId, 2, os))
            .isEqualTo(handler.instanceName(jobId, 2, os))
            .isEqualTo(scheduler.instanceName(jobId, 2, os));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ghr", "a", "runners", "abcdefghij", "ci7"})
  void linuxNamesAreRfc1035AndAtMost63Characters(String prefix) {
    InstanceNaming named = new InstanceNaming(prefix);

    for (long jobId : JOB_IDS) {
      for (int attempt : new int[] {1, 2, 50, 99_999}) {
        assertThat(named.instanceName(jobId, attempt, LINUX))
            .matches(RFC_1035)
            .hasSizeLessThanOrEqualTo(63)
            .startsWith(prefix + "-");
      }
    }
    assertThat(named.instanceName(Long.MAX_VALUE, Integer.MAX_VALUE, LINUX))
        .matches(RFC_1035)
        .hasSizeLessThanOrEqualTo(63);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ghr", "a", "runners", "abcdefghij", "ci7"})
  void windowsNamesAreRfc1035AndFitNetBios15CharactersEvenForHugeJobIds(String prefix) {
    InstanceNaming named = new InstanceNaming(prefix);

    for (long jobId : JOB_IDS) {
      for (int attempt : new int[] {1, 2, 35, 36, 50, 99_999}) {
        assertThat(named.instanceName(jobId, attempt, WINDOWS))
            .matches(RFC_1035)
            .hasSizeLessThanOrEqualTo(15);
      }
    }
  }

  @Test
  void windowsNameOfTodaysJobIdsIsShortAndReadable() {
    assertThat(naming.instanceName(JOB_ID, 1, WINDOWS))
        .isEqualTo("ghrw" + Long.toString(JOB_ID, 36));
  }

  @ParameterizedTest
  @EnumSource(OperatingSystem.class)
  void differentJobsAndAttemptsNeverShareAName(OperatingSystem os) {
    Map<String, String> seen = new HashMap<>();
    LongStream.rangeClosed(1, 3000)
        .forEach(
            jobId -> {
              for (int attempt = 1; attempt <= 3; attempt++) {
                String name = naming.instanceName(jobId, attempt, os);
                String previous = seen.put(name, jobId + "/" + attempt);
                assertThat(previous)
                    .as(
                        "%s is the name of job/attempt %s and %s/%s",
                        name, previous, jobId, attempt)
                    .isNull();
              }
            });
  }

  @Test
  void windowsNameOfAJobsSecondAttemptIsNotAnotherJobsFirst() {
    // 36 is "10" in base 36 and 1298 is "102": gluing the attempt on would make them one VM.
    assertThat(naming.instanceName(36, 2, WINDOWS))
        .isNotEqualTo(naming.instanceName(1298, 1, WINDOWS));
  }

  @Test
  void hugeJobIdsStillGetDistinctWindowsNames() {
    assertThat(naming.instanceName(Long.MAX_VALUE, 1, WINDOWS))
        .isNotEqualTo(naming.instanceName(Long.MAX_VALUE - 1, 1, WINDOWS))
        .isNotEqualTo(naming.instanceName(Long.MAX_VALUE, 2, WINDOWS));
  }

  @Test
  void linuxAndWindowsNamesOfOneJobDiffer() {
    assertThat(naming.instanceName(JOB_ID, 1, LINUX))
        .isNotEqualTo(naming.instanceName(JOB_ID, 1, WINDOWS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ghr", "a", "runners", "abcdefghij"})
  void everyNameWeMakeIsRecognisedAsOurs(String prefix) {
    InstanceNaming named = new InstanceNaming(prefix);

    for (OperatingSystem os : OperatingSystem.values()) {
      for (long jobId : JOB_IDS) {
        for (int attempt : new int[] {1, 2, 36, 50}) {
          String name = named.instanceName(jobId, attempt, os);
          assertThat(named.isOurs(name)).as("isOurs(%s)", name).isTrue();
        }
      }
    }
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "ubuntu-latest",
        "ghr-abc",
        "other-123-1",
        "GitHub Actions 5",
        "ghr",
        "ghr-",
        "ghr-123",
        "ghr-123-",
        "ghr-123-1-extra",
        "ghr-123-1 ",
        "GHR-123-1",
        "xghr-123-1",
        "ghr123-1",
        "ghr--123-1",
        "ghr-12a-1",
        "ci-123-1",
        "ghrw",
        "ghrwABC",
        "ghrw_1",
        "ghrw1234567890abcdef",
        "my-gpu-runner"
      })
  void othersNamesAreNotOurs(String name) {
    assertThat(naming.isOurs(name)).isFalse();
  }

  @Test
  void anotherPrefixsNamesAreNotOurs() {
    InstanceNaming ci = new InstanceNaming("ci");

    assertThat(naming.isOurs(ci.instanceName(JOB_ID, 1, LINUX))).isFalse();
    assertThat(naming.isOurs(ci.instanceName(JOB_ID, 1, WINDOWS))).isFalse();
    assertThat(ci.isOurs(naming.instanceName(JOB_ID, 1, LINUX))).isFalse();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "1ghr",
        "Ghr",
        "GHR",
        "ghr-",
        "gh_r",
        "gh r",
        "abcdefghijk",
        "-",
        "ghr$(id)",
        "ĝhr"
      })
  void prefixMustBeAShortLowerCaseWord(String prefix) {
    assertThatThrownBy(() -> new InstanceNaming(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix");
  }

  @ParameterizedTest
  @ValueSource(strings = {"g", "ghr", "ci2", "abcdefghij"})
  void shortLowerCasePrefixesAreAccepted(String prefix) {
    assertThat(new InstanceNaming(prefix).prefix()).isEqualTo(prefix);
  }

  @Test
  void jobIdAndAttemptMustBePositive() {
    assertThatThrownBy(() -> naming.instanceName(0, 1, LINUX))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> naming.instanceName(-1, 1, WINDOWS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> naming.instanceName(JOB_ID, 0, LINUX))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.api.Test
  void replacementNamesAreDistinctOursAndWithinLimits() {
    InstanceNaming naming = new InstanceNaming("ghr");
    String linux = naming.instanceName(4242, 1, io.autorunner.common.policy.OperatingSystem.LINUX);
    String windows =
        naming.instanceName(4242, 1, io.autorunner.common.policy.OperatingSystem.WINDOWS);

    org.assertj.core.api.Assertions.assertThat(naming.replacementName(linux, 1))
        .isEqualTo("ghr-4242-1-r1");
    org.assertj.core.api.Assertions.assertThat(
            java.util.List.of(
                naming.replacementName(linux, 1),
                naming.replacementName(linux, 2),
                naming.replacementName(windows, 1),
                naming.replacementName(windows, 2)))
        .doesNotHaveDuplicates()
        .allMatch(naming::isOurs)
        .doesNotContain(linux, windows);
    org.assertj.core.api.Assertions.assertThat(naming.replacementName(windows, 1).length())
        .isLessThanOrEqualTo(15);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> naming.replacementName("someone-else", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.api.Test
  void theJobOfALinuxNameIsReadBackAndOtherNamesSayNothing() {
    InstanceNaming naming = new InstanceNaming("ghr");

    org.assertj.core.api.Assertions.assertThat(naming.jobIdOf("ghr-30433642148-2"))
        .hasValue(30433642148L);
    org.assertj.core.api.Assertions.assertThat(naming.jobIdOf("ghr-7-1-r3")).hasValue(7L);
    org.assertj.core.api.Assertions.assertThat(naming.jobIdOf("ghr-7")).isEmpty();
    org.assertj.core.api.Assertions.assertThat(naming.jobIdOf("other-7-1")).isEmpty();
    org.assertj.core.api.Assertions.assertThat(naming.jobIdOf("ghrw1a2b")).isEmpty();
  }

  @Test
  void poolVmsAreNumberedOursAndNameNoJob() {
    InstanceNaming ghr = new InstanceNaming("ghr");
    String name = ghr.poolInstanceName("gpu", 3);

    org.assertj.core.api.Assertions.assertThat(name).isEqualTo("ghr-p-gpu-3");
    org.assertj.core.api.Assertions.assertThat(ghr.isOurs(name)).isTrue();
    org.assertj.core.api.Assertions.assertThat(ghr.jobIdOf(name)).isEmpty();
    org.assertj.core.api.Assertions.assertThat(new InstanceNaming("ci").isOurs(name)).isFalse();
    org.assertj.core.api.Assertions.assertThat(ghr.isOurs("ghr-p-gpu-0")).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ghr.poolInstanceName("GPU", 1))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ghr.poolInstanceName("gpu", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
