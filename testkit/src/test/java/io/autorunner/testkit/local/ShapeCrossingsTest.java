package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autorunner.testkit.github.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The simulation's count of VMs that ran a job of another shape. */
class ShapeCrossingsTest {

  private static final List<String> CPU = List.of("self-hosted", "gce");
  private static final List<String> GPU = List.of("self-hosted", "gce", "gpu");

  @Test
  void aCpuJobOnTheGpuJobsVmIsAVmThatRanAnotherShape() {
    // The CPU job took the GPU job's VM; the GPU job ran on the replacement made for it, and the
    // CPU job's own VM served nobody.
    Job gpu = job(1, GPU, "ghr-1-1-r1");
    Job cpu = job(2, CPU, "ghr-1-1");
    Map<String, Long> madeFor = Map.of("ghr-1-1", 1L, "ghr-1-1-r1", 1L, "ghr-2-1", 2L);

    long crossed = ShapeCrossings.ranOtherShape(madeFor, List.of(gpu, cpu));

    assertThat(crossed).isEqualTo(1);
  }

  @Test
  void aJobOfTheSameShapeOnAnotherJobsVmIsNotCountedWhateverTheBinding() {
    // An unbound GPU job took the VM made for a bound GPU job: the same machine served it.
    Job bound = job(1, with(GPU, "BIND=train-101-1-0"), "ghr-1-1-r1");
    Job unbound = job(2, List.of("GPU", "self-hosted", "GCE"), "ghr-1-1");
    Map<String, Long> madeFor = Map.of("ghr-1-1", 1L, "ghr-1-1-r1", 1L, "ghr-2-1", 2L);

    assertThat(ShapeCrossings.ranOtherShape(madeFor, List.of(bound, unbound))).isZero();
  }

  @Test
  void jobsOnTheirOwnVmsAndJobsThatNeverRanAreNotCounted() {
    Job gpu = job(1, GPU, "ghr-1-1");
    Job cpu = job(2, CPU, null);
    Map<String, Long> madeFor = Map.of("ghr-1-1", 1L, "ghr-2-1", 2L);

    assertThat(ShapeCrossings.ranOtherShape(madeFor, List.of(gpu, cpu))).isZero();
  }

  @Test
  void aBoundJobOnAnotherJobsVmIsNamed() {
    Job own = job(1, with(GPU, "bind=gpu-1-1-0"), "ghr-1-1");
    Job elsewhere = job(2, with(CPU, "bind=cpu-2-1-0"), "ghr-3-1");
    Job unbound = job(3, CPU, "ghr-2-1");

    List<Job> jobs = List.of(own, elsewhere, unbound);

    assertThat(ShapeCrossings.boundOnAnotherJobsVm(madeFor(), jobs)).containsExactly(2L);
    assertThat(ShapeCrossings.bound(jobs)).isEqualTo(2);
  }

  @Test
  void aVmMadeForAJobOutsideTheTraceIsAnError() {
    Job job = job(1, CPU, "ghr-9-1");

    assertThatThrownBy(() -> ShapeCrossings.ranOtherShape(Map.of("ghr-9-1", 9L), List.of(job)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("job 9");
  }

  private static Map<String, Long> madeFor() {
    return Map.of("ghr-1-1", 1L, "ghr-2-1", 2L, "ghr-3-1", 3L);
  }

  private static List<String> with(List<String> labels, String bind) {
    return Stream.concat(labels.stream(), Stream.of(bind)).toList();
  }

  private static Job job(long id, List<String> labels, String runnerName) {
    Instant at = Instant.parse("2026-12-01T12:00:00Z");
    return new Job(
        id,
        100 + id,
        1,
        "acme/models",
        labels,
        "build (0)",
        runnerName == null ? "queued" : "completed",
        runnerName == null ? null : "success",
        runnerName == null ? null : 7L,
        runnerName,
        at,
        runnerName == null ? null : at,
        runnerName == null ? null : at,
        null);
  }
}
