package io.autorunner.testkit.github;

import io.autorunner.testkit.gce.FakeComputeEngine;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A fake GitHub on loopback: the runner REST endpoints the handler uses, with real state, and the
 * dispatcher GitHub is. Tests queue jobs ({@link #queueJob}); a JIT runner "boots" when its VM is
 * RUNNING in an attached {@link FakeComputeEngine} (or by {@link #bootRunner}); GitHub hands the
 * oldest queued job to an idle runner that carries all its labels and may serve its repository,
 * whichever VM was made for which job, so runners do get taken by other jobs. An organisation
 * runner serves only the repositories its runner group admits ({@link RunnerGroup#admits}); a
 * repository runner only its repository. A job runs {@link #setRunTime}; its JIT runner then goes
 * and its VM powers off. Every change sends a signed {@code workflow_job} webhook, logged in the
 * App's delivery log.
 *
 * <p>Also repositories, runner groups, the installation's repositories, runs with ETags and rate
 * limits ({@link #apiCalls}), the App manifest flow. Thread-safe; webhooks go out on one sender
 * thread, in order. This class is the fake's face; {@link Wiring} shows its parts.
 */
public final class FakeGitHub implements AutoCloseable {

  /** The path prefix of the fake's own control endpoints (see {@link #queueJob}). */
  public static final String CONTROL = "/_fake";

  private final Wiring parts;

  /** Starts on a free loopback port. */
  public FakeGitHub() {
    this(0);
  }

  /** Starts on {@code port} of 127.0.0.1 (0 for a free one). */
  public FakeGitHub(int port) {
    this.parts = new Wiring(port, this);
  }

  /** The REST API root, to configure as {@code autorunner.github.api-url}. */
  public URI baseUrl() {
    return parts.baseUrl();
  }

  /** Where webhooks go (the scheduler's webhook endpoint) and the secret they are signed with. */
  public void setWebhook(URI url, String secret) {
    parts.webhooks.target(url, secret);
  }

  /** How long a job runs once a runner took it. */
  public void setRunTime(Duration duration) {
    parts.runTime.set(duration);
  }

  /**
   * How long after it is queued a job can first be handed to an idle runner (none by default):
   * GitHub's broker takes a moment, in which the job's own VM is already being made.
   */
  public void setHandOverDelay(Duration delay) {
    parts.handOver.set(delay);
  }

  /** From RUNNING to the VM's runner config request; online at the answer. See setGuestBoot. */
  public void setRunnerBootDelay(Duration delay) {
    parts.runnerBootDelay.set(delay);
  }

  /** VMs RUNNING from now on wait as {@code boot} says before their config request and after. */
  public void setGuestBoot(GuestBoot boot) {
    parts.guestBoot.set(Objects.requireNonNull(boot, "boot"));
  }

  /** Every fake GCE VM's boot so far (its script's steps, when each happened), oldest first. */
  public List<VmBoot> vmBoots() {
    return parts.processes.boots();
  }

  /** Time GitHub takes to fail the job of a runner whose machine vanished. */
  public void setLostRunnerDelay(Duration delay) {
    parts.lostRunnerDelay.set(delay);
  }

  /** The share of deliveries sent twice (same body, same delivery id), like a redelivery. */
  public void setRedeliveryFraction(double fraction) {
    parts.deliveryFaults.redeliveryFraction(fraction);
  }

  /** The share of queued deliveries lost (logged as failed, to be redelivered; seeded draws). */
  public void loseQueuedDeliveries(double fraction) {
    parts.deliveryFaults.loseQueuedFraction(fraction);
  }

  /** The next {@code count} queued deliveries are lost, as {@link #loseQueuedDeliveries}. */
  public void loseNextQueuedDeliveries(int count) {
    parts.deliveryFaults.loseNextQueued(count);
  }

  /** Runner-group writes answer 403, as for an App without that permission; reads still work. */
  public void refuseRunnerGroupWrites(boolean refuse) {
    parts.runnerGroups.refuseWrites(refuse);
  }

  /** Registers {@code owner/name} (an organisation's unless a user account) or its visibility. */
  public Repository addRepository(String fullName, boolean isPrivate) {
    return parts.dispatcher.admit(parts.repositories.register(fullName, isPrivate));
  }

  /** Limits the App installation to these repositories ({@code repository_selection: selected}). */
  public void restrictInstallationTo(Collection<String> fullNames) {
    parts.repositories.restrictInstallation(fullNames);
  }

  /** The App installation may access every repository again (the default). */
  public void installOnAllRepositories() {
    parts.repositories.installOnAll();
  }

  /** The seed of the fake's random draws (dispatch, delivery faults), for reproducible runs. */
  public void setSeed(long seed) {
    parts.faults.seed(seed);
  }

  /** Marks an owner as a user account: its repositories have no organisation. */
  public void userAccount(String login) {
    parts.accounts.markUser(login);
  }

  /** The next {@code count} REST requests answer 503. */
  public void failNextRequests(int count) {
    parts.faults.failNext(count);
  }

  /** Runners boot on {@code gce}'s RUNNING VMs, go with them, and power them off on exit. */
  public void bootRunnersOn(FakeComputeEngine gce) {
    parts.processes.runOn(gce);
  }

  /** Queues one job ({@code runs-on} evaluated as in {@link #queueRun}); sends queued. */
  public long queueJob(String repository, List<String> labels) {
    return queueRun(repository, List.of(labels)).get(0);
  }

  /**
   * Queues a run with one job per label list (a matrix), oldest first; sends each queued. In the
   * labels ({@code runs-on}) {@code ${{ github.run_id }}}, {@code ${{ github.run_attempt }}} and
   * {@code ${{ strategy.job-index }}} (the place in the matrix) are evaluated as GitHub does.
   */
  public List<Long> queueRun(String repository, List<List<String>> jobLabels) {
    return parts.queue.queueRun(repository, jobLabels);
  }

  /** Cancels a queued or a running job (whose runner then exits); false when completed. */
  public boolean cancel(long jobId) {
    return parts.queue.cancel(jobId);
  }

  /** Re-runs a job: a new id, the next attempt; IllegalStateException while its run runs. */
  public long rerun(long jobId) {
    return parts.queue.rerun(jobId);
  }

  /** Boots a runner from its JIT config off fake GCE; {@code powerOff} runs at exit. Its id. */
  public long bootRunner(String encodedJitConfig, String machine, Runnable powerOff) {
    return parts.processes.boot(encodedJitConfig, machine, powerOff);
  }

  public Optional<Job> job(long jobId) {
    return parts.state.jobSnapshot(jobId);
  }

  public List<Job> jobs() {
    return parts.state.jobSnapshots();
  }

  /** Jobs by state: queued, in_progress, completed/success, completed/failure, .../cancelled. */
  public Map<String, Long> jobCounts() {
    return parts.state.jobCounts();
  }

  /** The runners registered now (deregistered JIT runners are gone). */
  public List<Runner> runners() {
    return parts.state.runnerSnapshots();
  }

  /** Machines that booted with a JIT config deleted or used already: each powered off, idle. */
  public int refusedRunnerBoots() {
    return parts.state.refusedBoots.get();
  }

  /** VMs the handler refused a runner config: each powered off without a runner. */
  public int refusedRunnerConfigs() {
    return parts.state.refusedHandouts.get();
  }

  /** Every JIT config minted, one per runner ever registered (secrets: for tests to look for). */
  public List<String> issuedJitConfigs() {
    return List.copyOf(parts.state.issuedConfigs);
  }

  /** Re-runs requested (REST or {@link #rerun}). */
  public int rerunCount() {
    return parts.state.reruns.get();
  }

  /** Every delivery made, redeliveries included, in the order they were answered. */
  public List<Delivery> deliveries() {
    return parts.webhooks.deliveries();
  }

  /** The repositories the fake knows, in the order it met them. */
  public List<Repository> repositories() {
    return parts.repositories.all();
  }

  public Optional<Repository> repository(String fullName) {
    return parts.repositories.find(fullName);
  }

  /** An organisation's runner groups, its Default one (id 1) first; empty for a user account. */
  public List<RunnerGroup> runnerGroups(String org) {
    return parts.runnerGroups.groups(org);
  }

  /** The Apps registered through the manifest flow. */
  public AppManifests appManifests() {
    return parts.manifests;
  }

  /** The REST calls served so far (control endpoints not counted), and how many were 304s. */
  public ApiCalls apiCalls() {
    return parts.meter.snapshot();
  }

  /** The REST calls served so far; counting starts again. */
  public ApiCalls resetApiCalls() {
    return parts.meter.reset();
  }

  /** VMs created per job by {@code autorunner-job-id} label (a job with none: 0; no GCE: empty). */
  public Map<Long, Long> vmsPerJob() {
    return parts.processes.vmsPerJob();
  }

  /** Waits until every webhook queued so far was answered; false on timeout. */
  public boolean awaitDeliveries(Duration timeout) throws InterruptedException {
    return parts.webhooks.awaitDeliveries(timeout);
  }

  @Override
  public void close() {
    parts.close();
  }
}
