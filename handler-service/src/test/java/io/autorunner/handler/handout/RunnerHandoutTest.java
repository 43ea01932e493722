package io.autorunner.handler.handout;

import static io.autorunner.handler.auth.InstanceTokens.bearer;
import static io.autorunner.handler.auth.InstanceTokens.google;
import static io.autorunner.handler.auth.InstanceTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.autorunner.common.policy.LabelDecision;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.auth.InstanceIdentityVerifier;
import io.autorunner.handler.auth.InstanceTokens;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.JitRunner;
import io.autorunner.handler.testing.InMemoryMachines;
import io.autorunner.handler.testing.InMemoryRegistry;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.MachineRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which VMs get their runner, once, and how every other caller is refused with nothing minted. */
class RunnerHandoutTest {

  private static final Instant CREATED = Instant.parse("2026-11-27T12:00:00Z");
  private static final Instant NOW = CREATED.plus(Duration.ofMinutes(3));
  private static final Duration WINDOW = Duration.ofMinutes(10);
  private static final int NO_CAP = 1000;
  private static final String NAME = "ghr-4242-1";
  private static final JobRef JOB = new JobRef(4242, 9001, 1, "acme/models", "acme", 555L);

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final InstanceIdentityVerifier verifier =
      InstanceIdentityVerifier.signedBy(
          InstanceTokens.googleKeys(),
          InstanceTokens.AUDIENCE,
          InstanceTokens.PROJECT,
          Optional.of(InstanceTokens.RUNNERS_ACCOUNT),
          clock);

  private InMemoryMachines machines;
  private InMemoryRegistry github;
  private RunnerHandout handout;
  private RunnerSpec spec;

  @BeforeEach
  void aVmWasInsertedThreeMinutesAgo() {
    machines = new InMemoryMachines();
    machines.now = CREATED;
    github = new InMemoryRegistry();
    github.clock = clock;
    handout = new RunnerHandout(Optional.of(verifier), machines, github, WINDOW, NO_CAP, clock);
    spec =
        ((LabelDecision.Accepted)
                new LabelPolicy(PolicyProperties.defaults())
                    .resolve(List.of("self-hosted", "gce", "gpu")))
            .spec();
    machines.create(new MachineRequest(NAME, spec, JOB, InMemoryMachines.HANDOUT, "#!/bin/bash\n"));
  }

  @Test
  void aBootedVmOfOursGetsItsRunnerConfigAndTheRunnerIsRecordedOnTheVm() {
    HandoutAnswer answer = ask(ourVm().build());

    assertThat(answer.status()).as(answer.reason()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(InMemoryRegistry.JIT_CONFIG);
    assertThat(answer.reason()).doesNotContain(InMemoryRegistry.JIT_CONFIG);
    JitRunner minted = onlyMinted();
    assertThat(minted.name()).isEqualTo(NAME);
    assertThat(machines.find(NAME).orElseThrow().runnerId()).hasValue(minted.runnerId());
    // Registered with the labels the VM's metadata names, in the job's scope.
    assertThat(github.runners.get(NAME).labels()).isEqualTo(spec.labels());
  }

  @Test
  void aVmRankedPastTheCapGetsNoRunnerUntilAnOlderOneGoes() {
    // Two VMs, a cap of one: ours was made second, so it is the one too many.
    machines.now = CREATED.minusSeconds(30);
    machines.create(
        new MachineRequest("ghr-4241-1", spec, JOB, InMemoryMachines.HANDOUT, "#!/bin/bash\n"));
    RunnerHandout capped =
        new RunnerHandout(Optional.of(verifier), machines, github, WINDOW, 1, clock);

    HandoutAnswer over = capped.handOut("Bearer " + InstanceTokens.sign(ourVm().build()), null);

    assertThat(over.status()).as(over.reason()).isEqualTo(503);
    assertThat(over.reason()).contains("over the cap");
    assertThat(github.minted).isEmpty();
    assertThat(machines.find(NAME).orElseThrow().runnerId()).isEmpty();

    machines.delete("ghr-4241-1");
    HandoutAnswer served = capped.handOut("Bearer " + InstanceTokens.sign(ourVm().build()), null);
    assertThat(served.status()).as(served.reason()).isEqualTo(200);
  }

  @Test
  void aSecondCallForTheSameVmIsRefused409AndMintsNothing() {
    assertThat(ask(ourVm().build()).status()).isEqualTo(200);

    HandoutAnswer again = ask(ourVm().build());

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body()).isEqualTo("no runner for this VM").doesNotContain("ZW5j");
    assertThat(github.minted).hasSize(1);
  }

  @Test
  void aTokenNamingAnotherInstanceIsRefused() {
    assertRefusedMintingNothing(ask(vmNamed("ghr-9999-1", id()).build()), 403, "manages");
    assertRefusedMintingNothing(ask(vmNamed("Not_A_Name", id()).build()), 403, "not a name");
  }

  @Test
  void aTokenOfAnotherInstanceUnderTheSameNameIsRefused() {
    // A VM of this name deleted and made again by hand, or the earlier one's token replayed.
    String otherId = Long.toUnsignedString(Long.parseUnsignedLong(id()) + 1);

    assertRefusedMintingNothing(ask(vmNamed(NAME, otherId).build()), 403, "id differs");
    assertThat(machines.find(NAME).orElseThrow().runnerId()).isEmpty();
  }

  @Test
  void aTokenOfAVmOfAnotherProjectIsRefused403() {
    JWTClaimsSet token =
        ourVm().claim("google", google("other-project", InMemoryMachines.ZONE, NAME, id())).build();

    assertRefusedMintingNothing(ask(token), 403, "other-project");
  }

  @Test
  void aTokenOfTheVmInAnotherZoneIsRefused403() {
    JWTClaimsSet token =
        ourVm().claim("google", google(InstanceTokens.PROJECT, "us-east1-b", NAME, id())).build();

    assertRefusedMintingNothing(ask(token), 403, "runs in");
  }

  @Test
  void aTokenForAnotherAudienceIsRefused401() {
    assertRefusedMintingNothing(
        ask(ourVm().audience("https://other-service.example").build()), 401, "audience");
  }

  @Test
  void anExpiredTokenIsRefused401() {
    JWTClaimsSet expired =
        ourVm()
            .issueTime(Date.from(NOW.minus(Duration.ofHours(2))))
            .expirationTime(Date.from(NOW.minus(Duration.ofHours(1))))
            .build();

    assertRefusedMintingNothing(ask(expired), 401, "expired");
  }

  @Test
  void anUnsignedTokenIsRefused401() {
    String unsigned = new PlainJWT(ourVm().build()).serialize();

    assertRefusedMintingNothing(handout.handOut(bearer(unsigned), null), 401, "");
    assertRefusedMintingNothing(handout.handOut(null, null), 401, "");
  }

  @Test
  void aVmPastItsBootWindowIsRefused() {
    machines.createdAt.put(NAME, NOW.minus(WINDOW).minusSeconds(1));

    assertRefusedMintingNothing(ask(ourVm().build()), 403, "boot window");
  }

  @Test
  void aVmAtTheEndOfItsWindowStillGetsItsRunner() {
    machines.createdAt.put(NAME, NOW.minus(WINDOW));

    assertThat(ask(ourVm().build()).status()).isEqualTo(200);
  }

  @Test
  void aVmThatIsNotOursIsRefused() {
    machines.changeLabels(NAME, labels -> labels.remove(MachineLabels.MANAGED_BY));
    // As GCE's filtered listing: the double does not find it either.
    assertThat(machines.find(NAME)).isEmpty();

    assertRefusedMintingNothing(ask(ourVm().build()), 403, "not a VM autorunner manages");
  }

  @Test
  void aRetiringVmIsRefused409() {
    machines.changeLabels(NAME, labels -> labels.put(MachineLabels.RETIRING, "true"));

    assertRefusedMintingNothing(ask(ourVm().build()), 409, "retired");
  }

  @Test
  void aStoppedOrStoppingVmIsRefused() {
    machines.status.put(NAME, "STOPPING");
    assertRefusedMintingNothing(ask(ourVm().build()), 403, "STOPPING");

    machines.status.put(NAME, "TERMINATED");
    assertRefusedMintingNothing(ask(ourVm().build()), 403, "TERMINATED");
  }

  @Test
  void withoutAProjectNoVmCanProveItIsOurs() {
    RunnerHandout dryRun =
        new RunnerHandout(Optional.empty(), machines, github, WINDOW, NO_CAP, clock);

    assertRefusedMintingNothing(
        dryRun.handOut(bearer(sign(ourVm().build())), null), 403, "autorunner.gce.project");
  }

  @Test
  void aVmRelabelledBetweenTheReadAndTheRecordIsRefused409AndItsRunnerRemovedAgain() {
    // A retirement claims the VM while the handout mints: its label change takes the fingerprint.
    machines.beforeRelabel =
        () -> machines.changeLabels(NAME, labels -> labels.put(MachineLabels.RETIRING, "true"));

    HandoutAnswer answer = ask(ourVm().build());

    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.body()).doesNotContain(InMemoryRegistry.JIT_CONFIG);
    JitRunner minted = onlyMinted();
    assertThat(github.deletedIds).containsExactly(minted.runnerId());
    assertThat(github.runners).isEmpty();
    assertThat(machines.find(NAME).orElseThrow().runnerId()).isEmpty();
  }

  @Test
  void twoCallsForOneVmAtOnceHandOutExactlyOneRunner() {
    // Another handler instance serves the same VM's call between this one's read and its record.
    AtomicReference<HandoutAnswer> other = new AtomicReference<>();
    machines.beforeRelabel = () -> other.set(ask(ourVm().build()));

    HandoutAnswer answer = ask(ourVm().build());

    assertThat(other.get().status()).isEqualTo(200);
    assertThat(answer.status()).isEqualTo(409);
    assertThat(github.minted).hasSize(2);
    long winner = machines.find(NAME).orElseThrow().runnerId().orElseThrow();
    assertThat(github.runners.values()).extracting(GitHubRunner::id).containsExactly(winner);
    assertThat(github.deletedIds).singleElement().isNotEqualTo(winner);
  }

  @Test
  void aRecordThatCannotBeMadeForNowIsRetried503AndItsRunnerRemoved() {
    machines.failRelabel = new ComputeException.Transient("GCE 503 on setLabels", null);

    HandoutAnswer answer = ask(ourVm().build());

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body()).isEqualTo("retry later");
    assertThat(github.deletedIds).containsExactly(onlyMinted().runnerId());
    assertThat(github.runners).isEmpty();
  }

  @Test
  void aGitHubOutageIsRetried503AndLeavesTheVmWithoutARunner() {
    github.failJit = new GitHubException.Transient("GitHub answered 502", null);

    HandoutAnswer answer = ask(ourVm().build());

    assertThat(answer.status()).isEqualTo(503);
    Machine vm = machines.find(NAME).orElseThrow();
    assertThat(vm.runnerId()).isEmpty();
    assertThat(vm.retiring()).isFalse();
    // The VM's script retries, and then it gets its runner.
    github.failJit = null;
    assertThat(ask(ourVm().build()).status()).isEqualTo(200);
  }

  // --- helpers

  private HandoutAnswer ask(JWTClaimsSet claims) {
    return handout.handOut(bearer(sign(claims)), null);
  }

  private String id() {
    return machines.instanceIds.get(NAME);
  }

  /** The token the VM's metadata server signs for our VM. */
  private JWTClaimsSet.Builder ourVm() {
    return vmNamed(NAME, id());
  }

  private static JWTClaimsSet.Builder vmNamed(String name, String instanceId) {
    return InstanceTokens.claims(NOW, InMemoryMachines.ZONE, name, instanceId);
  }

  private JitRunner onlyMinted() {
    assertThat(github.minted).hasSize(1);
    return github.minted.get(0);
  }

  private void assertRefusedMintingNothing(HandoutAnswer answer, int status, String reason) {
    assertThat(answer.status()).as(answer.reason()).isEqualTo(status);
    assertThat(answer.reason()).contains(reason);
    assertThat(answer.body()).doesNotContain(InMemoryRegistry.JIT_CONFIG);
    assertThat(github.minted).as("runners minted").isEmpty();
    assertThat(github.runners).isEmpty();
  }
}
