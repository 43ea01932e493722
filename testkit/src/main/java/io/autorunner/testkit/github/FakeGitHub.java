package io.autorunner.testkit.github;

import io.autorunner.testkit.fault.Delay;
import io.autorunner.testkit.fault.Faults;
import io.autorunner.testkit.fault.Timeline;
import io.autorunner.testkit.gce.FakeComputeEngine;
import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * A fake GitHub on loopback: the runner REST endpoints the handler uses, with real state, and the
 * dispatcher GitHub is. Tests queue jobs ({@link #queueJob}); a JIT runner "boots" when its VM is
 * RUNNING in an attached {@link FakeComputeEngine} (or by {@link #bootRunner}); GitHub hands the
 * oldest queued job to an idle runner that carries all its labels and may serve its repository,
 * whichever VM was made for which job, so runners do get taken by other jobs. An organisation
 * runner serves only the repositories its runner group admits ({@link RunnerGroup#admits}); a
 * repository runner only its repository. The job runs for {@link #setRunTime}, then completes; the
 * JIT runner deregisters and its VM powers off. Every change sends a signed {@code workflow_job}
 * webhook, asynchronously, to the configured URL, and the App's delivery log records it ({@code
 * /app/hook/deliveries}, with redelivery).
 *
 * <p>Also served: repositories ({@code GET /repos/{o}/{r}}, private unless {@link #addRepository}
 * says otherwise), runner groups, the installation's repositories and workflow runs with their
 * attempts, with ETags and rate-limit headers; {@link #apiCalls} counts what was served.
 *
 * <p>All methods are thread-safe. Webhooks go out on one sender thread, in the order the changes
 * happened, never on a thread serving a REST call.
 */
public final class FakeGitHub implements AutoCloseable {

  private static final System.Logger log = System.getLogger(FakeGitHub.class.getName());
  private static final String DOCS = "https://docs.github.com/rest";

  /** The path prefix of the fake's own control endpoints (see {@link #queueJob}). */
  public static final String CONTROL = "/_fake";

  private final JsonServer server;
  private final Timeline clock = new Timeline("fake-github-clock");
  private final Object lock = new Object();
  private final Repositories repositories;
  private final RunnerGroups runnerGroups;
  private final HookDeliveries hookDeliveries;
  private final Webhooks webhooks;
  private final WorkflowRuns runs;
  private final AppInstallations installations;
  private final ApiMeter meter = new ApiMeter();

  // Guarded by lock.
  private final Map<Long, JobState> jobs = new LinkedHashMap<>();
  private final Map<Long, RunnerState> runners = new LinkedHashMap<>();
  private final Set<String> userAccounts = new HashSet<>();
  private final Set<String> goneMachines = new HashSet<>();
  private FakeComputeEngine gce;

  private final Faults faults = new Faults(7);
  private final Delay runTime = new Delay(Duration.ofMillis(500));
  private final Delay runnerBootDelay = new Delay(Duration.ZERO);
  private final Delay lostRunnerDelay = new Delay(Duration.ofMillis(200));

  private final AtomicLong jobIds = new AtomicLong(30_000_000_000L);
  private final AtomicLong runIds = new AtomicLong(10_000_000_000L);
  private final AtomicLong runnerIds = new AtomicLong(1000);
  private final AtomicInteger jitConfigs = new AtomicInteger();
  private final AtomicInteger refusedBoots = new AtomicInteger();
  private final AtomicInteger reruns = new AtomicInteger();

  /** Starts on a free loopback port. */
  public FakeGitHub() {
    this(0);
  }

  /** Starts on {@code port} of 127.0.0.1 (0 for a free one). */
  public FakeGitHub(int port) {
    this.server =
        new JsonServer(
            "fake-github",
            port,
            message -> error(400, "Problems parsing JSON: " + message),
            what -> error(404, "Not Found"));
    this.repositories = new Repositories(lock, this::isUser, this::baseUrl);
    this.runnerGroups =
        new RunnerGroups(
            lock,
            this::isUser,
            new RunnerGroups.Members() {
              @Override
              public void groupDeleted(String org, long groupId) {
                moveToDefaultGroup(org, groupId);
              }

              @Override
              public void admissionChanged() {
                dispatch();
              }
            });
    this.hookDeliveries = new HookDeliveries(this::baseUrl);
    this.webhooks = new Webhooks(lock, faults, hookDeliveries);
    this.installations =
        new AppInstallations(lock, this::isUser, this::baseUrl, repositories, meter);
    this.runs = new WorkflowRuns(lock, jobs, repositories, meter, this::rerunLocked);
    server.filter(this::authenticate);
    server.decorate(meter::decorate);
    String org = "/orgs/([^/]+)";
    String repo = "/repos/([^/]+)/([^/]+)";
    server.route("POST", org + "/actions/runners/generate-jitconfig", r -> jit(r, orgScope(r)));
    server.route("POST", repo + "/actions/runners/generate-jitconfig", r -> jit(r, repoScope(r)));
    server.route("GET", org + "/actions/runners", r -> listRunners(r, orgScope(r)));
    server.route("GET", repo + "/actions/runners", r -> listRunners(r, repoScope(r)));
    server.route("GET", org + "/actions/runners/([0-9]+)", r -> getRunner(r, orgScope(r), 1));
    server.route("GET", repo + "/actions/runners/([0-9]+)", r -> getRunner(r, repoScope(r), 2));
    server.route("DELETE", org + "/actions/runners/([0-9]+)", r -> deleteRunner(r, orgScope(r), 1));
    server.route(
        "DELETE", repo + "/actions/runners/([0-9]+)", r -> deleteRunner(r, repoScope(r), 2));
    new RunnerGroupEndpoints(lock, runnerGroups, repositories, this::baseUrl).routes(server);
    server.route("GET", repo, repositories::get);
    server.route("GET", repo + "/actions/jobs/([0-9]+)", this::getJob);
    runs.routes(server, repo);
    installations.routes(server, org, repo);
    hookDeliveries.routes(server, webhooks::redeliver);
    // Control endpoints for manual runs of the program (no GitHub equivalent; no auth).
    server.route("POST", CONTROL + "/jobs", this::controlQueue);
    server.route("POST", CONTROL + "/jobs/([0-9]+)/cancel", this::controlCancel);
    server.route("GET", CONTROL + "/state", r -> Response.json(200, state()));
  }

  /** The REST API root, to configure as {@code autorunner.github.api-url}. */
  public URI baseUrl() {
    return server.baseUrl();
  }

  // ---------------------------------------------------------------- configuration

  /** Where webhooks go (the scheduler's webhook endpoint) and the secret they are signed with. */
  public void setWebhook(URI url, String secret) {
    webhooks.target(url, secret);
  }

  /** How long a job runs once a runner took it. */
  public void setRunTime(Duration duration) {
    runTime.set(duration);
  }

  /** Time from a VM being RUNNING to its runner being online (the script's work). */
  public void setRunnerBootDelay(Duration delay) {
    runnerBootDelay.set(delay);
  }

  /** Time GitHub takes to fail the job of a runner whose machine vanished. */
  public void setLostRunnerDelay(Duration delay) {
    lostRunnerDelay.set(delay);
  }

  /** The share of deliveries sent twice (same body, same delivery id), like a redelivery. */
  public void setRedeliveryFraction(double fraction) {
    webhooks.redeliveryFraction(fraction);
  }

  /**
   * The share of {@code queued} deliveries (drawn from the seeded random) that fail without
   * reaching the receiver. The App's delivery log records them as GitHub records a delivery it
   * could not make (status "failed to connect to network", status code 0), so they can be found and
   * redelivered through {@code /app/hook/deliveries}. Redeliveries are never lost.
   */
  public void loseQueuedDeliveries(double fraction) {
    webhooks.loseQueuedFraction(fraction);
  }

  /**
   * The next {@code count} {@code queued} deliveries are lost, as {@link #loseQueuedDeliveries}.
   */
  public void loseNextQueuedDeliveries(int count) {
    webhooks.loseNextQueued(count);
  }

  /**
   * Runner-group writes (create, update, delete, repository access) answer 403 "Resource not
   * accessible by integration", as for an App without the permission to manage runner groups. Reads
   * still work.
   */
  public void refuseRunnerGroupWrites(boolean refuse) {
    runnerGroups.refuseWrites(refuse);
  }

  /**
   * Registers {@code owner/name} with that visibility (or changes a known one's); its owner is an
   * organisation unless marked with {@link #userAccount}. Repositories a job is queued for without
   * one are made private.
   */
  public Repository addRepository(String fullName, boolean isPrivate) {
    Repository repository = repositories.register(fullName, isPrivate);
    synchronized (lock) {
      dispatch();
    }
    return repository;
  }

  /**
   * Limits the App installation to these repositories: {@code GET /installation/repositories} lists
   * only them, with {@code repository_selection: selected}. Unknown ones are made private.
   */
  public void restrictInstallationTo(Collection<String> fullNames) {
    repositories.restrictInstallation(fullNames);
  }

  /** The App installation may access every repository again (the default). */
  public void installOnAllRepositories() {
    repositories.installOnAll();
  }

  /** The seed of the fake's random draws (dispatch, delivery faults), for reproducible runs. */
  public void setSeed(long seed) {
    faults.seed(seed);
  }

  /** Marks an owner as a user account: its repositories have no organisation. */
  public void userAccount(String login) {
    synchronized (lock) {
      userAccounts.add(login.toLowerCase(Locale.ROOT));
    }
  }

  /** The next {@code count} REST requests answer 503. */
  public void failNextRequests(int count) {
    faults.failNext(count);
  }

  /**
   * Boots runners on {@code gce}'s VMs: when a VM is RUNNING, the JIT config in its startup script
   * registers its runner; when the VM is gone, so is the runner's machine; when the runner exits,
   * the VM powers off.
   */
  public void bootRunnersOn(FakeComputeEngine gce) {
    synchronized (lock) {
      this.gce = Objects.requireNonNull(gce, "gce");
    }
    gce.onRunning(this::vmRunning);
    gce.onGone(vm -> machineGone(vm.name()));
  }

  // ---------------------------------------------------------------- the workflow side

  /**
   * Queues one job in a new run of {@code repository} ({@code owner/name}); sends {@code queued}.
   */
  public long queueJob(String repository, List<String> labels) {
    return queueRun(repository, List.of(labels)).get(0);
  }

  /**
   * Queues a run with one job per label list (a matrix), oldest first; sends each {@code queued}.
   */
  public List<Long> queueRun(String repository, List<List<String>> jobLabels) {
    if (!repository.matches("[^/\\s]+/[^/\\s]+")) {
      throw new IllegalArgumentException("repository must be owner/name: " + repository);
    }
    long runId = runIds.incrementAndGet();
    List<Long> ids = new ArrayList<>();
    repositories.ensure(repository);
    synchronized (lock) {
      int index = 0;
      for (List<String> labels : jobLabels) {
        JobState job =
            new JobState(
                jobIds.incrementAndGet(),
                runId,
                1,
                repository,
                List.copyOf(labels),
                "build (" + index++ + ")",
                null);
        jobs.put(job.id, job);
        ids.add(job.id);
        send(job, "queued");
      }
      dispatch();
    }
    return ids;
  }

  /**
   * Cancels a job: a queued one completes {@code cancelled} without runner fields; a running one
   * completes {@code cancelled} with its runner, which then exits. False when already completed.
   */
  public boolean cancel(long jobId) {
    synchronized (lock) {
      JobState job = jobs.get(jobId);
      if (job == null || "completed".equals(job.status)) {
        return false;
      }
      RunnerState runner = job.runnerId == null ? null : runners.get(job.runnerId);
      complete(job, "cancelled");
      if (runner != null && "online".equals(runner.status)) {
        runnerExits(runner);
      }
      dispatch();
      return true;
    }
  }

  /**
   * Re-runs a job as GitHub does: a new job id, the same run, the next {@code run_attempt}. Refused
   * (IllegalStateException) while the run's latest attempt is not completed.
   */
  public long rerun(long jobId) {
    synchronized (lock) {
      JobState job = jobs.get(jobId);
      if (job == null) {
        throw new IllegalArgumentException("no job " + jobId);
      }
      String refused = runs.refusal(job);
      if (refused != null) {
        throw new IllegalStateException("job " + jobId + " cannot be re-run: " + refused);
      }
      return rerunLocked(job).id;
    }
  }

  /**
   * Boots a runner from its JIT config on a machine that is not a fake GCE VM; {@code powerOff}
   * runs when the runner exits. Returns the runner id.
   */
  public long bootRunner(String encodedJitConfig, String machine, Runnable powerOff) {
    OptionalLong id = JitConfigs.runnerId(encodedJitConfig);
    if (id.isEmpty()) {
      throw new IllegalArgumentException("not a JIT config of this fake");
    }
    connect(id.getAsLong(), machine, powerOff);
    return id.getAsLong();
  }

  /** The machine of a runner vanished (a preempted VM): its runner goes offline, its job fails. */
  public void machineGone(String machine) {
    synchronized (lock) {
      goneMachines.add(machine);
      for (RunnerState runner : runners.values()) {
        if (!machine.equals(runner.machine) || "offline".equals(runner.status)) {
          continue;
        }
        runner.status = "offline";
        if (runner.jobId != null) {
          long jobId = runner.jobId;
          log.log(
              System.Logger.Level.INFO,
              "runner {0} lost with job {1}",
              runner.name,
              Long.toString(jobId));
          clock.after(lostRunnerDelay, () -> loseJob(runner.id, jobId));
        }
      }
    }
  }

  // ---------------------------------------------------------------- state for assertions

  public Optional<Job> job(long jobId) {
    synchronized (lock) {
      return Optional.ofNullable(jobs.get(jobId)).map(JobState::snapshot);
    }
  }

  public List<Job> jobs() {
    synchronized (lock) {
      return jobs.values().stream().map(JobState::snapshot).toList();
    }
  }

  /**
   * Jobs by state: {@code queued}, {@code in_progress}, {@code completed/success}, {@code
   * completed/failure}, {@code completed/cancelled}.
   */
  public Map<String, Long> jobCounts() {
    synchronized (lock) {
      return jobs.values().stream()
          .collect(
              Collectors.groupingBy(
                  j -> j.conclusion == null ? j.status : j.status + "/" + j.conclusion,
                  TreeMap::new,
                  Collectors.counting()));
    }
  }

  /** The runners registered now (deregistered JIT runners are gone). */
  public List<Runner> runners() {
    synchronized (lock) {
      return runners.values().stream().map(RunnerState::snapshot).toList();
    }
  }

  /**
   * Machines that booted with a JIT config GitHub no longer takes (its runner deleted, or the
   * config used already): each powered off without serving.
   */
  public int refusedRunnerBoots() {
    return refusedBoots.get();
  }

  /** JIT configs minted since the start: runners ever registered. */
  public int jitConfigCount() {
    return jitConfigs.get();
  }

  /** Re-runs requested (REST or {@link #rerun}). */
  public int rerunCount() {
    return reruns.get();
  }

  /** Every delivery made, redeliveries included, in the order they were answered. */
  public List<Delivery> deliveries() {
    return webhooks.deliveries();
  }

  /** The repositories the fake knows, in the order it met them. */
  public List<Repository> repositories() {
    return repositories.all();
  }

  public Optional<Repository> repository(String fullName) {
    return repositories.find(fullName);
  }

  /** An organisation's runner groups, its Default one (id 1) first; empty for a user account. */
  public List<RunnerGroup> runnerGroups(String org) {
    return runnerGroups.groups(org);
  }

  /** The REST calls served so far (control endpoints not counted), and how many were 304s. */
  public ApiCalls apiCalls() {
    return meter.snapshot();
  }

  /** The REST calls served so far, then counts from zero again. */
  public ApiCalls resetApiCalls() {
    return meter.reset();
  }

  /**
   * VMs created per job, from the attached fake GCE's {@code autorunner-job-id} labels (empty
   * without one). Jobs that got no VM are listed with 0.
   */
  public Map<Long, Long> vmsPerJob() {
    FakeComputeEngine compute;
    Map<Long, Long> counts = new TreeMap<>();
    synchronized (lock) {
      compute = gce;
      jobs.keySet().forEach(id -> counts.put(id, 0L));
    }
    if (compute == null) {
      return Map.of();
    }
    for (FakeInstance vm : compute.created()) {
      String id = vm.labels().get("autorunner-job-id");
      if (id != null && id.matches("[0-9]+")) {
        counts.merge(Long.parseLong(id), 1L, Long::sum);
      }
    }
    return counts;
  }

  /** Waits until every webhook queued so far was answered; false on timeout. */
  public boolean awaitDeliveries(Duration timeout) throws InterruptedException {
    return webhooks.awaitDeliveries(timeout);
  }

  // ---------------------------------------------------------------- the dispatcher

  /**
   * GitHub's rule: the oldest queued job goes to any idle online runner that carries all its labels
   * and may serve its repository: a repository runner only its own repository's jobs; an
   * organisation runner only jobs of the organisation's repositories that its runner group admits.
   */
  private void dispatch() {
    List<JobState> queued =
        jobs.values().stream()
            .filter(j -> "queued".equals(j.status))
            .sorted(Comparator.comparing((JobState j) -> j.createdAt).thenComparing(j -> j.id))
            .toList();
    for (JobState job : queued) {
      Repository repository = repositories.ensure(job.repository);
      List<RunnerState> idle =
          runners.values().stream()
              .filter(r -> "online".equals(r.status) && !r.busy && serves(r, job, repository))
              .toList();
      if (idle.isEmpty()) {
        continue;
      }
      RunnerState runner = idle.get(faults.pick(idle.size()));
      runner.busy = true;
      runner.jobId = job.id;
      job.status = "in_progress";
      job.runnerId = runner.id;
      job.runnerName = runner.name;
      job.runnerGroupId = runner.groupId;
      job.runnerGroupName = groupName(runner);
      job.startedAt = Instant.now();
      send(job, "in_progress");
      long runnerId = runner.id;
      long jobId = job.id;
      clock.after(runTime, () -> finishJob(runnerId, jobId));
    }
  }

  private boolean serves(RunnerState runner, JobState job, Repository repository) {
    if (!runner.carriesAll(job.labels)) {
      return false;
    }
    String org = runner.organization();
    if (org == null) {
      return runner.scope.equals(RunnerState.REPO + job.repository.toLowerCase(Locale.ROOT));
    }
    return runnerGroups.admits(org, runner.groupId, repository);
  }

  private String groupName(RunnerState runner) {
    String org = runner.organization();
    return org == null
        ? "Default"
        : runnerGroups.find(org, runner.groupId).map(RunnerGroup::name).orElse("Default");
  }

  /** GitHub moves the runners of a deleted group to the organisation's default group. */
  private void moveToDefaultGroup(String org, long groupId) {
    synchronized (lock) {
      for (RunnerState runner : runners.values()) {
        if (org.equalsIgnoreCase(runner.organization()) && runner.groupId == groupId) {
          runner.groupId = RunnerGroups.DEFAULT;
        }
      }
    }
  }

  private void finishJob(long runnerId, long jobId) {
    synchronized (lock) {
      JobState job = jobs.get(jobId);
      RunnerState runner = runners.get(runnerId);
      if (job == null
          || !"in_progress".equals(job.status)
          || runner == null
          || !"online".equals(runner.status)) {
        return; // cancelled, or the machine vanished: handled elsewhere
      }
      complete(job, "success");
      runnerExits(runner);
      dispatch();
    }
  }

  private void loseJob(long runnerId, long jobId) {
    synchronized (lock) {
      JobState job = jobs.get(jobId);
      RunnerState runner = runners.get(runnerId);
      if (job != null && "in_progress".equals(job.status)) {
        complete(job, "failure");
      }
      if (runner != null) {
        runner.busy = false;
        runner.jobId = null;
      }
    }
  }

  private void complete(JobState job, String conclusion) {
    job.status = "completed";
    job.conclusion = conclusion;
    job.completedAt = Instant.now();
    send(job, "completed");
  }

  /** An ephemeral runner after its job: it deregisters, and its machine powers off. */
  private void runnerExits(RunnerState runner) {
    runners.remove(runner.id);
    powerOff(runner);
  }

  private void powerOff(RunnerState runner) {
    Runnable off = runner.powerOff;
    if (off != null) {
      clock.soon(off);
    }
  }

  private void vmRunning(FakeInstance vm) {
    OptionalLong id = JitConfigs.runnerIdInScript(vm.startupScript());
    if (id.isEmpty()) {
      return; // not a runner VM of this fake
    }
    FakeComputeEngine compute;
    synchronized (lock) {
      compute = gce;
      goneMachines.remove(vm.name());
    }
    long runnerId = id.getAsLong();
    clock.after(
        runnerBootDelay, () -> connect(runnerId, vm.name(), () -> compute.powerOff(vm.name())));
  }

  /** The runner process starts with its JIT config; a spent or deleted config powers off. */
  private void connect(long runnerId, String machine, Runnable powerOff) {
    synchronized (lock) {
      if (goneMachines.contains(machine)) {
        return;
      }
      RunnerState runner = runners.get(runnerId);
      if (runner == null || runner.used) {
        refusedBoots.incrementAndGet();
        log.log(
            System.Logger.Level.INFO,
            "runner {0} cannot register on {1}",
            Long.toString(runnerId),
            machine);
        clock.soon(powerOff);
        return;
      }
      runner.used = true;
      runner.status = "online";
      runner.machine = machine;
      runner.powerOff = powerOff;
      dispatch();
    }
  }

  private JobState rerunLocked(JobState job) {
    int attempt =
        jobs.values().stream()
                .filter(j -> j.runId == job.runId)
                .mapToInt(j -> j.runAttempt)
                .max()
                .orElse(job.runAttempt)
            + 1;
    JobState again =
        new JobState(
            jobIds.incrementAndGet(),
            job.runId,
            attempt,
            job.repository,
            job.labels,
            job.name,
            job.id);
    jobs.put(again.id, again);
    reruns.incrementAndGet();
    send(again, "queued");
    dispatch();
    return again;
  }

  // ---------------------------------------------------------------- webhooks

  private void send(JobState job, String action) {
    Repository repository = repositories.ensure(job.repository);
    webhooks.send(
        action,
        job.id,
        installations.id(job.owner()),
        repository.id(),
        payload(job, action, repository));
  }

  private Map<String, Object> payload(JobState job, String action, Repository repo) {
    String owner = repo.owner();
    boolean organization = !repo.ownedByUser();
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("action", action);
    payload.put("workflow_job", job.json());
    payload.put("repository", repositories.json(repo));
    if (organization) {
      payload.put("organization", Map.of("login", owner, "id", accountId(owner)));
    }
    payload.put("sender", Map.of("login", "octocat", "id", 1, "type", "User"));
    payload.put("installation", Map.of("id", installations.id(owner)));
    return payload;
  }

  // ---------------------------------------------------------------- REST

  private Response authenticate(Request request) {
    if (request.path().startsWith(CONTROL + "/")) {
      return null;
    }
    if (faults.requestFails()) {
      return error(503, "Service Unavailable");
    }
    String auth = request.header("Authorization");
    if (auth == null || !auth.matches("(?i)(bearer|token)\\s+\\S+")) {
      return error(401, "Requires authentication");
    }
    return null;
  }

  private static final java.util.regex.Pattern JWT =
      java.util.regex.Pattern.compile(
          "(?i)bearer\\s+[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

  /**
   * The App's own endpoints take the App's JWT ({@code Bearer header.claims.signature}); an
   * installation token there is refused, as GitHub refuses it. Null when the request carries a JWT.
   */
  static Response requireJwt(Request request) {
    String auth = request.header("Authorization");
    return auth != null && JWT.matcher(auth.trim()).matches()
        ? null
        : error(401, "A JSON web token could not be decoded");
  }

  private record Scope(String key, boolean valid) {}

  private Scope orgScope(Request r) {
    String org = r.param(0);
    return new Scope("org:" + org.toLowerCase(Locale.ROOT), !isUser(org));
  }

  private static Scope repoScope(Request r) {
    return new Scope("repo:" + (r.param(0) + "/" + r.param(1)).toLowerCase(Locale.ROOT), true);
  }

  private Response jit(Request request, Scope scope) {
    if (!scope.valid()) {
      return error(404, "Not Found");
    }
    JsonNode body = request.json();
    String name = body.path("name").asString("");
    List<String> labels = new ArrayList<>();
    body.path("labels").forEach(l -> labels.add(l.asString()));
    if (name.isBlank() || !body.path("runner_group_id").isNumber()) {
      return error(422, "Invalid request. name and runner_group_id are required.");
    }
    if (labels.isEmpty() || labels.size() > 100) {
      return error(422, "Invalid request. labels must hold 1 to 100 items.");
    }
    String work = body.path("work_folder").asString("_work");
    long groupId = body.path("runner_group_id").asLong();
    synchronized (lock) {
      // An organisation's runners join one of its groups; a repository has only the default one.
      boolean groupExists =
          scope.key().startsWith(RunnerState.ORG)
              ? runnerGroups.find(request.param(0), groupId).isPresent()
              : groupId == RunnerGroups.DEFAULT;
      if (!groupExists) {
        return error(404, "Not Found");
      }
      boolean taken =
          runners.values().stream()
              .anyMatch(r -> r.scope.equals(scope.key()) && r.name.equalsIgnoreCase(name));
      if (taken) {
        return error(409, "Already exists - A runner with the name " + name + " already exists.");
      }
      RunnerState runner =
          new RunnerState(
              runnerIds.incrementAndGet(), name, scope.key(), List.copyOf(labels), groupId);
      runners.put(runner.id, runner);
      jitConfigs.incrementAndGet();
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("runner", runner.json());
      answer.put(
          "encoded_jit_config",
          JitConfigs.encode(
              runner.id, name, runner.groupId, groupName(runner), baseUrl().toString(), work));
      return Response.json(201, answer);
    }
  }

  private Response listRunners(Request request, Scope scope) {
    if (!scope.valid()) {
      return error(404, "Not Found");
    }
    int perPage;
    int page;
    try {
      perPage =
          Math.min(
              100, Math.max(1, Integer.parseInt(request.query().getOrDefault("per_page", "30"))));
      page = Math.max(1, Integer.parseInt(request.query().getOrDefault("page", "1")));
    } catch (NumberFormatException e) {
      return error(422, "Invalid per_page or page");
    }
    String name = request.query().get("name");
    synchronized (lock) {
      List<RunnerState> matching =
          runners.values().stream()
              .filter(r -> r.scope.equals(scope.key()))
              .filter(r -> name == null || r.name.equalsIgnoreCase(name))
              .toList();
      int from = Math.min(matching.size(), (page - 1) * perPage);
      int to = Math.min(matching.size(), from + perPage);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("total_count", matching.size());
      answer.put("runners", matching.subList(from, to).stream().map(RunnerState::json).toList());
      return Response.json(200, answer);
    }
  }

  private Response getRunner(Request request, Scope scope, int idParam) {
    synchronized (lock) {
      RunnerState runner = runners.get(Long.parseLong(request.param(idParam)));
      if (!scope.valid() || runner == null || !runner.scope.equals(scope.key())) {
        return error(404, "Not Found");
      }
      return Response.json(200, runner.json());
    }
  }

  private Response deleteRunner(Request request, Scope scope, int idParam) {
    synchronized (lock) {
      RunnerState runner = runners.get(Long.parseLong(request.param(idParam)));
      if (!scope.valid() || runner == null || !runner.scope.equals(scope.key())) {
        return error(404, "Not Found");
      }
      if (runner.busy) {
        return error(422, "Bad request - Runner \"" + runner.name + "\" is still running a job\"");
      }
      runners.remove(runner.id);
      if ("online".equals(runner.status)) {
        // The listener loses its registration and exits; the script powers the VM off.
        powerOff(runner);
      }
      return Response.empty(204);
    }
  }

  private Response getJob(Request request) {
    synchronized (lock) {
      JobState job = jobs.get(Long.parseLong(request.param(2)));
      if (job == null
          || !job.repository.equalsIgnoreCase(request.param(0) + "/" + request.param(1))) {
        return error(404, "Not Found");
      }
      return Response.json(200, job.json());
    }
  }

  /** {@code {"repository": "o/r", "labels": [...]}}: queues a job, answers its id. */
  private Response controlQueue(Request request) {
    JsonNode body = request.json();
    List<String> labels = new ArrayList<>();
    body.path("labels").forEach(l -> labels.add(l.asString()));
    String repository = body.path("repository").asString("");
    if (labels.isEmpty() || !repository.matches("[^/\\s]+/[^/\\s]+")) {
      return error(422, "repository (owner/name) and labels are required");
    }
    return Response.json(201, Map.of("id", queueJob(repository, labels)));
  }

  private Response controlCancel(Request request) {
    return cancel(Long.parseLong(request.param(0)))
        ? Response.empty(204)
        : error(409, "no such job, or it is completed");
  }

  private Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("jobs", jobCounts());
    state.put("runners", runners().size());
    state.put("jit_configs", jitConfigCount());
    state.put("reruns", rerunCount());
    state.put("deliveries", deliveries().size());
    state.put(
        "deliveries_not_received", deliveries().stream().filter(d -> !d.reachedReceiver()).count());
    state.put("api_calls", apiCalls().total());
    state.put("api_calls_not_modified", apiCalls().notModified());
    state.put(
        "deliveries_outside_2xx", deliveries().stream().filter(d -> !d.answered2xx()).count());
    return state;
  }

  // ---------------------------------------------------------------- helpers

  private boolean isUser(String login) {
    synchronized (lock) {
      return userAccounts.contains(login.toLowerCase(Locale.ROOT));
    }
  }

  static long accountId(String login) {
    return Math.abs((long) login.toLowerCase(Locale.ROOT).hashCode()) + 1;
  }

  /** GitHub's error body. */
  static Response error(int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", message);
    body.put("documentation_url", DOCS);
    body.put("status", Integer.toString(status));
    return Response.json(status, body);
  }

  @Override
  public void close() {
    server.close();
    clock.close();
    webhooks.close();
  }
}
