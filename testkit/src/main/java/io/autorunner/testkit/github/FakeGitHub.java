package io.autorunner.testkit.github;

import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.testkit.gce.FakeComputeEngine;
import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.JsonServer.Request;
import io.autorunner.testkit.http.JsonServer.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * A fake GitHub on loopback: the runner REST endpoints the handler uses, with real state, and the
 * dispatcher GitHub is. Tests queue jobs ({@link #queueJob}); a JIT runner "boots" when its VM is
 * RUNNING in an attached {@link FakeComputeEngine} (or by {@link #bootRunner}); GitHub hands the
 * oldest queued job whose labels an idle runner carries to that runner, whichever VM was made for
 * which job, so runners do get taken by other jobs. The job runs for {@link #setRunTime}, then
 * completes; the JIT runner deregisters and its VM powers off. Every change sends a signed {@code
 * workflow_job} webhook, asynchronously, to the configured URL.
 *
 * <p>All methods are thread-safe. Webhooks go out on one sender thread, in the order the changes
 * happened, never on a thread serving a REST call.
 */
public final class FakeGitHub implements AutoCloseable {

  private static final System.Logger log = System.getLogger(FakeGitHub.class.getName());
  private static final String DOCS = "https://docs.github.com/rest";
  private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

  /** The path prefix of the fake's own control endpoints (see {@link #queueJob}). */
  public static final String CONTROL = "/_fake";

  private final JsonServer server;
  private final ScheduledExecutorService clock;
  private final ExecutorService sender;
  private final HttpClient http;
  private final Object lock = new Object();

  // Guarded by lock.
  private final Map<Long, JobState> jobs = new LinkedHashMap<>();
  private final Map<Long, RunnerState> runners = new LinkedHashMap<>();
  private final Set<String> userAccounts = new HashSet<>();
  private final Map<String, Long> installations = new HashMap<>();
  private final Set<String> goneMachines = new HashSet<>();
  private Random random = new Random(7);
  private URI webhookUrl;
  private String webhookSecret = "fake-secret";
  private Duration runTime = Duration.ofMillis(500);
  private Duration runnerBootDelay = Duration.ZERO;
  private Duration lostRunnerDelay = Duration.ofMillis(200);
  private double redeliveryFraction;
  private int failNext;
  private FakeComputeEngine gce;

  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicInteger pendingDeliveries = new AtomicInteger();
  private final AtomicLong jobIds = new AtomicLong(30_000_000_000L);
  private final AtomicLong runIds = new AtomicLong(10_000_000_000L);
  private final AtomicLong runnerIds = new AtomicLong(1000);
  private final AtomicInteger jitConfigs = new AtomicInteger();
  private final AtomicInteger reruns = new AtomicInteger();

  /** Starts on a free loopback port. */
  public FakeGitHub() {
    this(0);
  }

  /** Starts on {@code port} of 127.0.0.1 (0 for a free one). */
  public FakeGitHub(int port) {
    this.clock = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "fake-github-clock"));
    this.sender = Executors.newSingleThreadExecutor(r -> daemon(r, "fake-github-webhooks"));
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.server =
        new JsonServer(
            "fake-github",
            port,
            message -> error(400, "Problems parsing JSON: " + message),
            what -> error(404, "Not Found"));
    server.filter(this::authenticate);
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
    server.route("GET", repo + "/actions/jobs/([0-9]+)", this::getJob);
    server.route("GET", repo + "/actions/runs", this::listRuns);
    server.route("GET", repo + "/actions/runs/([0-9]+)/jobs", this::listRunJobs);
    server.route("POST", repo + "/actions/jobs/([0-9]+)/rerun", this::rerunJob);
    server.route("GET", "/app", r -> Response.json(200, app()));
    server.route("GET", "/app/installations/([0-9]+)", this::getInstallation);
    server.route("POST", "/app/installations/([0-9]+)/access_tokens", this::createToken);
    server.route("GET", org + "/installation", r -> installationOf(r.param(0), true));
    server.route("GET", "/users/([^/]+)/installation", r -> installationOf(r.param(0), false));
    server.route(
        "GET", repo + "/installation", r -> installationOf(r.param(0), !isUser(r.param(0))));
    // Control endpoints for manual runs of the program (no GitHub equivalent; no auth).
    server.route("POST", CONTROL + "/jobs", this::controlQueue);
    server.route("POST", CONTROL + "/jobs/([0-9]+)/cancel", this::controlCancel);
    server.route("GET", CONTROL + "/state", r -> Response.json(200, state()));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The REST API root, to configure as {@code autorunner.github.api-url}. */
  public URI baseUrl() {
    return server.baseUrl();
  }

  // ---------------------------------------------------------------- configuration

  /** Where webhooks go (the scheduler's webhook endpoint) and the secret they are signed with. */
  public void setWebhook(URI url, String secret) {
    synchronized (lock) {
      webhookUrl = url;
      webhookSecret = Objects.requireNonNull(secret, "secret");
    }
  }

  /** How long a job runs once a runner took it. */
  public void setRunTime(Duration duration) {
    synchronized (lock) {
      runTime = Objects.requireNonNull(duration);
    }
  }

  /** Time from a VM being RUNNING to its runner being online (the script's work). */
  public void setRunnerBootDelay(Duration delay) {
    synchronized (lock) {
      runnerBootDelay = Objects.requireNonNull(delay);
    }
  }

  /** Time GitHub takes to fail the job of a runner whose machine vanished. */
  public void setLostRunnerDelay(Duration delay) {
    synchronized (lock) {
      lostRunnerDelay = Objects.requireNonNull(delay);
    }
  }

  /** The share of deliveries sent twice (same body, same delivery id), like a redelivery. */
  public void setRedeliveryFraction(double fraction) {
    synchronized (lock) {
      redeliveryFraction = fraction;
    }
  }

  public void setSeed(long seed) {
    synchronized (lock) {
      random = new Random(seed);
    }
  }

  /** Marks an owner as a user account: its repositories have no organisation. */
  public void userAccount(String login) {
    synchronized (lock) {
      userAccounts.add(login.toLowerCase(Locale.ROOT));
    }
  }

  /** The next {@code count} REST requests answer 503. */
  public void failNextRequests(int count) {
    synchronized (lock) {
      failNext = count;
    }
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

  /** Re-runs a completed job as GitHub does: a new job id, the same run, {@code run_attempt+1}. */
  public long rerun(long jobId) {
    synchronized (lock) {
      JobState job = jobs.get(jobId);
      if (job == null) {
        throw new IllegalArgumentException("no job " + jobId);
      }
      if (!"completed".equals(job.status)) {
        throw new IllegalStateException("job " + jobId + " is not completed");
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
          clock.schedule(
              () -> loseJob(runner.id, jobId), lostRunnerDelay.toMillis(), TimeUnit.MILLISECONDS);
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
    return List.copyOf(deliveries);
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
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pendingDeliveries.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  // ---------------------------------------------------------------- the dispatcher

  /** GitHub's rule: the oldest queued job goes to any idle online runner carrying its labels. */
  private void dispatch() {
    List<JobState> queued =
        jobs.values().stream()
            .filter(j -> "queued".equals(j.status))
            .sorted(Comparator.comparing((JobState j) -> j.createdAt).thenComparing(j -> j.id))
            .toList();
    for (JobState job : queued) {
      List<RunnerState> idle =
          runners.values().stream()
              .filter(r -> "online".equals(r.status) && !r.busy && r.serves(job, this::isUser))
              .toList();
      if (idle.isEmpty()) {
        continue;
      }
      RunnerState runner = idle.get(random.nextInt(idle.size()));
      runner.busy = true;
      runner.jobId = job.id;
      job.status = "in_progress";
      job.runnerId = runner.id;
      job.runnerName = runner.name;
      job.runnerGroupId = runner.groupId;
      job.startedAt = Instant.now();
      send(job, "in_progress");
      long runnerId = runner.id;
      long jobId = job.id;
      clock.schedule(() -> finishJob(runnerId, jobId), runTime.toMillis(), TimeUnit.MILLISECONDS);
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
      clock.execute(off);
    }
  }

  private void vmRunning(FakeInstance vm) {
    OptionalLong id = JitConfigs.runnerIdInScript(vm.startupScript());
    if (id.isEmpty()) {
      return; // not a runner VM of this fake
    }
    FakeComputeEngine compute;
    Duration delay;
    synchronized (lock) {
      compute = gce;
      delay = runnerBootDelay;
      goneMachines.remove(vm.name());
    }
    long runnerId = id.getAsLong();
    clock.schedule(
        () -> connect(runnerId, vm.name(), () -> compute.powerOff(vm.name())),
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The runner process starts with its JIT config; a spent or deleted config powers off. */
  private void connect(long runnerId, String machine, Runnable powerOff) {
    synchronized (lock) {
      if (goneMachines.contains(machine)) {
        return;
      }
      RunnerState runner = runners.get(runnerId);
      if (runner == null || runner.used) {
        log.log(
            System.Logger.Level.INFO,
            "runner {0} cannot register on {1}",
            Long.toString(runnerId),
            machine);
        clock.execute(powerOff);
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
    URI url = webhookUrl;
    String secret = webhookSecret;
    boolean twice = redeliveryFraction > 0 && random.nextDouble() < redeliveryFraction;
    byte[] body = JsonServer.JSON.writeValueAsBytes(payload(job, action));
    String deliveryId = UUID.randomUUID().toString();
    long jobId = job.id;
    pendingDeliveries.incrementAndGet();
    sender.execute(
        () -> {
          try {
            deliver(url, secret, deliveryId, action, jobId, body, false);
            if (twice) {
              deliver(url, secret, deliveryId, action, jobId, body, true);
            }
          } finally {
            pendingDeliveries.decrementAndGet();
          }
        });
  }

  private void deliver(
      URI url,
      String secret,
      String deliveryId,
      String action,
      long jobId,
      byte[] body,
      boolean redelivery) {
    String signature = WebhookSignature.sign(body, secret);
    String text = new String(body, StandardCharsets.UTF_8);
    if (url == null) {
      deliveries.add(
          new Delivery(
              deliveryId, action, jobId, text, signature, 0, redelivery, Instant.now(), null));
      return;
    }
    int status;
    String error = null;
    try {
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .timeout(WEBHOOK_TIMEOUT)
              .header("Content-Type", "application/json")
              .header("User-Agent", "GitHub-Hookshot/fake")
              .header("X-GitHub-Event", "workflow_job")
              .header("X-GitHub-Delivery", deliveryId)
              .header("X-GitHub-Hook-ID", "1")
              .header(WebhookSignature.HEADER, signature)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      status = -1;
      error = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = -1;
      error = "interrupted";
    }
    deliveries.add(
        new Delivery(
            deliveryId, action, jobId, text, signature, status, redelivery, Instant.now(), error));
  }

  private Map<String, Object> payload(JobState job, String action) {
    String owner = job.owner();
    String repoName = job.repository.substring(job.repository.indexOf('/') + 1);
    boolean organization = !isUser(owner);
    Map<String, Object> workflowJob = job.json();
    Map<String, Object> ownerJson = new LinkedHashMap<>();
    ownerJson.put("login", owner);
    ownerJson.put("id", accountId(owner));
    ownerJson.put("type", organization ? "Organization" : "User");
    Map<String, Object> repository = new LinkedHashMap<>();
    repository.put("id", Math.abs((long) job.repository.hashCode()) + 1);
    repository.put("name", repoName);
    repository.put("full_name", job.repository);
    repository.put("private", true);
    repository.put("owner", ownerJson);
    repository.put("html_url", "https://github.com/" + job.repository);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("action", action);
    payload.put("workflow_job", workflowJob);
    payload.put("repository", repository);
    if (organization) {
      payload.put("organization", Map.of("login", owner, "id", accountId(owner)));
    }
    payload.put("sender", Map.of("login", "octocat", "id", 1, "type", "User"));
    payload.put("installation", Map.of("id", installationId(owner)));
    return payload;
  }

  // ---------------------------------------------------------------- REST

  private Response authenticate(Request request) {
    if (request.path().startsWith(CONTROL + "/")) {
      return null;
    }
    synchronized (lock) {
      if (failNext > 0) {
        failNext--;
        return error(503, "Service Unavailable");
      }
    }
    String auth = request.header("Authorization");
    if (auth == null || !auth.matches("(?i)(bearer|token)\\s+\\S+")) {
      return error(401, "Requires authentication");
    }
    return null;
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
    synchronized (lock) {
      boolean taken =
          runners.values().stream()
              .anyMatch(r -> r.scope.equals(scope.key()) && r.name.equalsIgnoreCase(name));
      if (taken) {
        return error(409, "Already exists - A runner with the name " + name + " already exists.");
      }
      RunnerState runner =
          new RunnerState(
              runnerIds.incrementAndGet(),
              name,
              scope.key(),
              List.copyOf(labels),
              body.path("runner_group_id").asLong());
      runners.put(runner.id, runner);
      jitConfigs.incrementAndGet();
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("runner", runner.json());
      answer.put(
          "encoded_jit_config",
          JitConfigs.encode(runner.id, name, runner.groupId, baseUrl().toString(), work));
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

  /**
   * {@code GET /repos/{o}/{r}/actions/runs?status=}: a run is queued while all its jobs queue, in
   * progress while some have started and some are not completed, completed after that.
   */
  private Response listRuns(Request request) {
    String repository = request.param(0) + "/" + request.param(1);
    String wanted = request.query().get("status");
    int perPage =
        Math.min(
            100, Math.max(1, Integer.parseInt(request.query().getOrDefault("per_page", "30"))));
    int page = Math.max(1, Integer.parseInt(request.query().getOrDefault("page", "1")));
    synchronized (lock) {
      Map<Long, List<JobState>> runs = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
      for (JobState job : jobs.values()) {
        if (job.repository.equalsIgnoreCase(repository)) {
          runs.computeIfAbsent(job.runId, id -> new ArrayList<>()).add(job);
        }
      }
      List<Map<String, Object>> listed = new ArrayList<>();
      int skip = (page - 1) * perPage;
      for (Map.Entry<Long, List<JobState>> run : runs.entrySet()) {
        String status = runStatus(run.getValue());
        if (wanted != null && !wanted.equals(status)) {
          continue;
        }
        if (skip > 0) {
          skip--;
          continue;
        }
        if (listed.size() < perPage) {
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("id", run.getKey());
          json.put("status", status);
          json.put(
              "run_attempt", run.getValue().stream().mapToInt(j -> j.runAttempt).max().orElse(1));
          listed.add(json);
        }
      }
      return Response.json(200, Map.of("total_count", listed.size(), "workflow_runs", listed));
    }
  }

  private static String runStatus(List<JobState> jobs) {
    boolean allQueued = jobs.stream().allMatch(j -> "queued".equals(j.status));
    boolean allCompleted = jobs.stream().allMatch(j -> "completed".equals(j.status));
    return allQueued ? "queued" : allCompleted ? "completed" : "in_progress";
  }

  private Response listRunJobs(Request request) {
    String repository = request.param(0) + "/" + request.param(1);
    long runId = Long.parseLong(request.param(2));
    synchronized (lock) {
      List<Map<String, Object>> listed = new ArrayList<>();
      for (JobState job : jobs.values()) {
        if (job.runId == runId && job.repository.equalsIgnoreCase(repository)) {
          listed.add(job.json());
        }
      }
      return Response.json(200, Map.of("total_count", listed.size(), "jobs", listed));
    }
  }

  private Response rerunJob(Request request) {
    synchronized (lock) {
      JobState job = jobs.get(Long.parseLong(request.param(2)));
      if (job == null
          || !job.repository.equalsIgnoreCase(request.param(0) + "/" + request.param(1))) {
        return error(404, "Not Found");
      }
      if (!"completed".equals(job.status)) {
        return error(403, "This job is not completed and cannot be re-run.");
      }
      rerunLocked(job);
      return Response.json(201, Map.of());
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
        "deliveries_outside_2xx", deliveries().stream().filter(d -> !d.answered2xx()).count());
    return state;
  }

  // The App endpoints github-api calls to trade an App JWT for an installation token.

  private Map<String, Object> app() {
    Map<String, Object> app = new LinkedHashMap<>();
    app.put("id", 1);
    app.put("slug", "autorunner-fake");
    app.put("name", "autorunner (fake)");
    app.put("owner", Map.of("login", "autorunner", "id", 1, "type", "Organization"));
    app.put("html_url", "https://github.com/apps/autorunner-fake");
    app.put("permissions", Map.of("organization_self_hosted_runners", "write"));
    app.put("events", List.of("workflow_job"));
    app.put("created_at", "2024-01-01T00:00:00Z");
    app.put("updated_at", "2024-01-01T00:00:00Z");
    return app;
  }

  private Response getInstallation(Request request) {
    long id = Long.parseLong(request.param(0));
    synchronized (lock) {
      for (Map.Entry<String, Long> entry : installations.entrySet()) {
        if (entry.getValue() == id) {
          return Response.json(200, installation(entry.getKey(), !isUser(entry.getKey())));
        }
      }
    }
    return error(404, "Not Found");
  }

  private Response installationOf(String login, boolean organization) {
    if (organization == isUser(login)) {
      return error(404, "Not Found");
    }
    return Response.json(200, installation(login, organization));
  }

  private Map<String, Object> installation(String login, boolean organization) {
    long id = installationId(login);
    Map<String, Object> installation = new LinkedHashMap<>();
    installation.put("id", id);
    installation.put(
        "account",
        Map.of(
            "login",
            login,
            "id",
            accountId(login),
            "type",
            organization ? "Organization" : "User"));
    installation.put("app_id", 1);
    installation.put("app_slug", "autorunner-fake");
    installation.put("target_id", accountId(login));
    installation.put("target_type", organization ? "Organization" : "User");
    installation.put("repository_selection", "all");
    installation.put(
        "access_tokens_url", baseUrl() + "/app/installations/" + id + "/access_tokens");
    installation.put("repositories_url", baseUrl() + "/installation/repositories");
    installation.put("html_url", "https://github.com/settings/installations/" + id);
    installation.put("permissions", Map.of("organization_self_hosted_runners", "write"));
    installation.put("events", List.of("workflow_job"));
    installation.put("created_at", "2024-01-01T00:00:00Z");
    installation.put("updated_at", "2024-01-01T00:00:00Z");
    return installation;
  }

  private Response createToken(Request request) {
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("token", "ghs_fake" + UUID.randomUUID().toString().replace("-", ""));
    token.put(
        "expires_at",
        Instant.now()
            .plus(Duration.ofHours(1))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString());
    token.put("permissions", Map.of("organization_self_hosted_runners", "write"));
    token.put("repository_selection", "all");
    return Response.json(201, token);
  }

  // ---------------------------------------------------------------- helpers

  private boolean isUser(String login) {
    synchronized (lock) {
      return userAccounts.contains(login.toLowerCase(Locale.ROOT));
    }
  }

  private long installationId(String login) {
    synchronized (lock) {
      return installations.computeIfAbsent(
          login.toLowerCase(Locale.ROOT), k -> 50_000_000L + installations.size() + 1);
    }
  }

  private static long accountId(String login) {
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

  /** Mutable state of one job attempt; guarded by the fake's lock. */
  private static final class JobState {
    final long id;
    final long runId;
    final int runAttempt;
    final String repository;
    final List<String> labels;
    final String name;
    final Long rerunOf;
    final Instant createdAt = Instant.now();
    String status = "queued";
    String conclusion;
    Long runnerId;
    String runnerName;
    Long runnerGroupId;
    Instant startedAt;
    Instant completedAt;

    JobState(
        long id,
        long runId,
        int runAttempt,
        String repository,
        List<String> labels,
        String name,
        Long rerunOf) {
      this.id = id;
      this.runId = runId;
      this.runAttempt = runAttempt;
      this.repository = repository;
      this.labels = labels;
      this.name = name;
      this.rerunOf = rerunOf;
    }

    String owner() {
      return repository.substring(0, repository.indexOf('/'));
    }

    Job snapshot() {
      return new Job(
          id,
          runId,
          runAttempt,
          repository,
          labels,
          name,
          status,
          conclusion,
          runnerId,
          runnerName,
          createdAt,
          startedAt,
          completedAt,
          rerunOf);
    }

    /** The job as the REST API and the webhook's {@code workflow_job} show it. */
    Map<String, Object> json() {
      String api = "https://api.github.com/repos/" + repository;
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", id);
      json.put("run_id", runId);
      json.put("workflow_name", "CI");
      json.put("head_branch", "main");
      json.put("run_url", api + "/actions/runs/" + runId);
      json.put("run_attempt", runAttempt);
      json.put("node_id", "CR_fake" + id);
      json.put("head_sha", String.format("%040x", id));
      json.put("url", api + "/actions/jobs/" + id);
      json.put(
          "html_url", "https://github.com/" + repository + "/actions/runs/" + runId + "/job/" + id);
      json.put("status", status);
      json.put("conclusion", conclusion);
      json.put("created_at", createdAt.toString());
      json.put("started_at", (startedAt != null ? startedAt : createdAt).toString());
      json.put("completed_at", completedAt == null ? null : completedAt.toString());
      json.put("name", name);
      json.put("steps", List.of());
      json.put("check_run_url", api + "/check-runs/" + id);
      json.put("labels", labels);
      json.put("runner_id", runnerId);
      json.put("runner_name", runnerName);
      json.put("runner_group_id", runnerGroupId);
      json.put("runner_group_name", runnerGroupId == null ? null : "Default");
      return json;
    }
  }

  /** Mutable state of one runner; guarded by the fake's lock. */
  private static final class RunnerState {
    final long id;
    final String name;
    final String scope;
    final List<String> labels;
    final long groupId;
    final String os;
    String status = "offline";
    boolean busy;
    boolean used;
    Long jobId;
    String machine;
    Runnable powerOff;

    RunnerState(long id, String name, String scope, List<String> labels, long groupId) {
      this.id = id;
      this.name = name;
      this.scope = scope;
      this.labels = labels;
      this.groupId = groupId;
      this.os = labels.stream().anyMatch("windows"::equalsIgnoreCase) ? "Windows" : "Linux";
    }

    /** Labels are matched case-insensitively; the scope must cover the job's repository. */
    boolean serves(JobState job, java.util.function.Predicate<String> isUser) {
      boolean inScope =
          scope.equals("repo:" + job.repository.toLowerCase(Locale.ROOT))
              || (!isUser.test(job.owner())
                  && scope.equals("org:" + job.owner().toLowerCase(Locale.ROOT)));
      if (!inScope) {
        return false;
      }
      Set<String> mine =
          labels.stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
      return job.labels.stream().allMatch(l -> mine.contains(l.toLowerCase(Locale.ROOT)));
    }

    Runner snapshot() {
      return new Runner(id, name, scope, labels, status, busy, jobId, machine);
    }

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", id);
      json.put("name", name);
      json.put("os", os);
      json.put("status", status);
      json.put("busy", busy);
      json.put("ephemeral", true);
      json.put("runner_group_id", groupId);
      List<Map<String, Object>> labelJson = new ArrayList<>();
      for (int i = 0; i < labels.size(); i++) {
        labelJson.add(Map.of("id", i + 1, "name", labels.get(i), "type", "custom"));
      }
      json.put("labels", labelJson);
      return json;
    }
  }

  @Override
  public void close() {
    server.close();
    clock.shutdownNow();
    sender.shutdownNow();
  }
}
