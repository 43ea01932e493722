package io.autorunner.handler.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.common.task.JobRef;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.handout.VmBoots;
import io.autorunner.handler.testing.InMemoryMachines;
import io.autorunner.handler.testing.InMemoryRegistry;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retiring a VM without racing the handout of its runner, and without killing a job. */
class MachineRetirementTest {

  private static final JobRef JOB = new JobRef(4242, 9001, 1, "acme/models", "acme", 555L);
  private static final String NAME = "ghr-4242-1";

  private InMemoryMachines machines;
  private InMemoryRegistry github;
  private VmBoots boots;
  private MachineRetirement retirement;

  /** What the injected hooks saw, in order. */
  private final List<String> journal = new ArrayList<>();

  @BeforeEach
  void aVmWasInserted() {
    machines = new InMemoryMachines();
    github = new InMemoryRegistry();
    boots = new VmBoots(machines, github, Clock.fixed(machines.now, ZoneOffset.UTC));
    retirement = new MachineRetirement(machines, github);
    machines.add(NAME, JOB, machines.now);
  }

  @Test
  void aVmWithoutARunnerIsMarkedRetiringAndThenDeleted() {
    Machine vm = read();

    MachineRetirement.Result result = retirement.retire(vm, Optional.empty(), false);

    assertThat(result).isEqualTo(MachineRetirement.Result.DELETED);
    assertThat(machines.deleted).containsExactly(NAME);
    // The claim was on the VM when it went, so a handout in between would have been refused.
    assertThat(machines.labelsWhenDeleted.get(NAME)).containsEntry(MachineLabels.RETIRING, "true");
    assertThat(github.deletedIds).isEmpty();
  }

  @Test
  void whenTheHandoutWinsTheVmIsReadAgainAndItsRunnerGoesFirst() {
    Machine beforeItAsked = read();
    // The VM asks for its runner between the retirement's read and its claim.
    long[] handedOut = new long[1];
    machines.beforeRelabel = () -> handedOut[0] = boots.askForRunner(NAME);
    machines.beforeDelete =
        () -> journal.add("VM deleted, runner deleted before: " + github.deletedIds);

    MachineRetirement.Result result = retirement.retire(beforeItAsked, Optional.empty(), false);

    assertThat(result).isEqualTo(MachineRetirement.Result.DELETED);
    assertThat(handedOut[0]).isPositive();
    assertThat(journal)
        .containsExactly("VM deleted, runner deleted before: [" + handedOut[0] + "]");
    assertThat(github.runners).isEmpty();
    assertThat(machines.created).isEmpty();
    // The handout's record stood: the VM was never marked retiring over it.
    assertThat(machines.labelsWhenDeleted.get(NAME))
        .containsEntry(MachineLabels.RUNNER_ID, Long.toString(handedOut[0]))
        .doesNotContainKey(MachineLabels.RETIRING);
  }

  @Test
  void aVmWhoseRunnerIsBusyStaysAndItsRunnerToo() {
    boots.askForRunner(NAME);
    github.markBusy(NAME);

    MachineRetirement.Result result = retirement.retire(read(), Optional.empty(), false);

    assertThat(result).isEqualTo(MachineRetirement.Result.BUSY);
    assertThat(machines.created).containsKey(NAME);
    assertThat(machines.deleted).isEmpty();
    assertThat(github.runners).containsKey(NAME);
  }

  @Test
  void aVmThatCannotRunAJobAnywayGoesEvenWithABusyRunner() {
    boots.askForRunner(NAME);
    github.markBusy(NAME);
    machines.status.put(NAME, "TERMINATED");

    MachineRetirement.Result result = retirement.retire(read(), Optional.empty(), true);

    assertThat(result).isEqualTo(MachineRetirement.Result.DELETED);
    assertThat(machines.created).isEmpty();
  }

  @Test
  void theRunnerGitHubListsIsRemovedFirstWhenTheVmRecordsNone() {
    // A runner of the VM's name that a sweep listed, on a VM from before runners were recorded.
    GitHubRunner listed = new GitHubRunner(77, NAME, "online", false, List.of("gce"));
    github.runners.put(NAME, listed);

    MachineRetirement.Result result = retirement.retire(read(), Optional.of(listed), false);

    assertThat(result).isEqualTo(MachineRetirement.Result.DELETED);
    assertThat(github.deletedIds).containsExactly(77L);
    assertThat(machines.created).isEmpty();
  }

  @Test
  void aVmGoneBeforeItsClaimIsGone() {
    Machine vm = read();
    machines.delete(NAME);

    assertThat(retirement.retire(vm, Optional.empty(), false))
        .isEqualTo(MachineRetirement.Result.GONE);
  }

  @Test
  void aVmWithARunnerGoneBeforeItsDeleteIsGone() {
    boots.askForRunner(NAME);
    Machine vm = read();
    machines.beforeDelete = () -> machines.created.remove(NAME);

    assertThat(retirement.retire(vm, Optional.empty(), false))
        .isEqualTo(MachineRetirement.Result.GONE);
  }

  @Test
  void aVmClaimedByAnotherRetirementAlreadyIsDeletedWithoutASecondClaim() {
    machines.changeLabels(NAME, l -> l.put(MachineLabels.RETIRING, "true"));
    Machine claimed = read();
    machines.beforeRelabel = () -> journal.add("relabel");

    assertThat(retirement.retire(claimed, Optional.empty(), false))
        .isEqualTo(MachineRetirement.Result.DELETED);
    assertThat(journal).isEmpty();
    assertThat(machines.created).isEmpty();
  }

  private Machine read() {
    return machines.find(NAME).orElseThrow();
  }
}
