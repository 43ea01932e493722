package io.autorunner.testkit.local;

import io.autorunner.testkit.datastore.FakeDatastore;
import io.autorunner.testkit.gce.FakeComputeEngine;
import io.autorunner.testkit.github.FakeGitHub;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * autorunner on one machine, with no cloud account: the scheduler (local queue) and the handler
 * (Compute Engine client pointed at the fake) as real processes, GitHub and Compute Engine as the
 * stateful fakes. GitHub's webhooks reach the scheduler signed; the handler's API calls reach the
 * fakes over loopback HTTP. The handler may run as several instances behind a round-robin front, as
 * on Cloud Run, and any of them may be killed and started again.
 */
public final class LocalSystem implements AutoCloseable {

  public static final String SECRET = "local-webhook-secret";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final FakeComputeEngine gce;
  private final FakeGitHub github;
  private final FakeDatastore store;
  private final List<ServiceProcess> handlers;
  private final RoundRobinProxy front;
  private final ServiceProcess scheduler;

  private LocalSystem(
      FakeComputeEngine gce,
      FakeGitHub github,
      FakeDatastore store,
      List<ServiceProcess> handlers,
      RoundRobinProxy front,
      ServiceProcess scheduler) {
    this.gce = gce;
    this.github = github;
    this.store = store;
    this.handlers = handlers;
    this.front = front;
    this.scheduler = scheduler;
  }

  /**
   * How to run it.
   *
   * @param handlerEnv overrides of the handler's environment (e.g. zones)
   * @param schedulerEnv overrides of the scheduler's environment (e.g. allow-lists)
   * @param handlerInstances how many handler processes share the work behind one address
   * @param prepare runs on the fakes before any service starts (repositories, accounts)
   */
  public record Options(
      Map<String, String> handlerEnv,
      Map<String, String> schedulerEnv,
      int handlerInstances,
      Consumer<FakeGitHub> prepare) {
    public Options {
      handlerEnv = Map.copyOf(handlerEnv);
      schedulerEnv = Map.copyOf(schedulerEnv);
      if (handlerInstances < 1) {
        throw new IllegalArgumentException("at least one handler instance");
      }
    }
  }

  /** One handler instance. */
  public static LocalSystem start(Path root, Path logs, Map<String, String> extraHandlerEnv)
      throws IOException, InterruptedException {
    return start(root, logs, extraHandlerEnv, 1);
  }

  public static LocalSystem start(
      Path root, Path logs, Map<String, String> extraHandlerEnv, int handlerInstances)
      throws IOException, InterruptedException {
    return start(root, logs, new Options(extraHandlerEnv, Map.of(), handlerInstances, g -> {}));
  }

  /**
   * Starts everything.
   *
   * @param root the repository root, where the service jars were built
   * @param logs where each service's log goes
   */
  public static LocalSystem start(Path root, Path logs, Options options)
      throws IOException, InterruptedException {
    Files.createDirectories(logs);
    // Each service appends to its log (a restarted instance keeps its earlier life's lines); a new
    // system starts them empty.
    try (var old = Files.newDirectoryStream(logs, "*.log")) {
      for (Path log : old) {
        Files.delete(log);
      }
    }
    FakeComputeEngine gce = new FakeComputeEngine();
    FakeGitHub github = new FakeGitHub();
    FakeDatastore store = new FakeDatastore();
    github.bootRunnersOn(gce);
    options.prepare().accept(github);
    int handlerInstances = options.handlerInstances();
    List<ServiceProcess> handlers = new CopyOnWriteArrayList<>();
    RoundRobinProxy front = null;
    try {
      Map<String, String> handlerEnv = new LinkedHashMap<>();
      handlerEnv.put("AUTORUNNER_HANDLER_AUTH", "none");
      handlerEnv.put("AUTORUNNER_COMPUTE_MODE", "gce");
      handlerEnv.put("AUTORUNNER_GCE_PROJECT", "local-demo");
      handlerEnv.put("AUTORUNNER_GCE_ENDPOINT", gce.baseUrl().toString());
      handlerEnv.put("AUTORUNNER_GCE_ZONES", "us-central1-a,us-central1-b,us-central1-c");
      handlerEnv.put("AUTORUNNER_GITHUB_API_URL", github.baseUrl().toString());
      // As a GitHub App, as in production: the sweep reads the installation's repositories and
      // the App hook's delivery log. The fake takes any App JWT; the key is fresh each time.
      handlerEnv.put("AUTORUNNER_GITHUB_APP_ID", "1");
      handlerEnv.put("AUTORUNNER_GITHUB_APP_PRIVATE_KEY", appKeyPem());
      // What every instance must agree on, and what survives a restart, is in the one store.
      handlerEnv.put("AUTORUNNER_STORE_MODE", "datastore");
      handlerEnv.put("AUTORUNNER_STORE_ENDPOINT", store.baseUrl().toString());
      // No Cloud Scheduler here: the handler runs its own reconciler, with windows sized for VMs
      // that boot in seconds.
      handlerEnv.put("AUTORUNNER_RECONCILE_EVERY", "3s");
      handlerEnv.put("AUTORUNNER_RECONCILE_BOOT_TIMEOUT", "15s");
      handlerEnv.put("AUTORUNNER_RECONCILE_QUEUED_GRACE", "5s");
      // A minted runner is held for its create's insert: the operation timeout plus 10 s.
      handlerEnv.put("AUTORUNNER_GCE_OPERATION_TIMEOUT", "5s");
      handlerEnv.put("AUTORUNNER_RECONCILE_ORPHAN_RUNNER_GRACE", "15s");
      handlerEnv.putAll(options.handlerEnv());
      for (int i = 0; i < handlerInstances; i++) {
        handlers.add(
            ServiceProcess.start(
                handlerName(i, handlerInstances),
                root.resolve("handler-service/target/handler-service.jar"),
                handlerEnv,
                logs.resolve(handlerName(i, handlerInstances) + ".log"),
                START_TIMEOUT));
      }
      List<ServiceProcess> instances = handlers;
      front = new RoundRobinProxy(() -> instances.stream().map(ServiceProcess::url).toList());
      Map<String, String> schedulerEnv = new LinkedHashMap<>();
      schedulerEnv.put("AUTORUNNER_WEBHOOK_SECRET", SECRET);
      schedulerEnv.put("AUTORUNNER_TASKS_MODE", "local");
      schedulerEnv.put("AUTORUNNER_TASKS_HANDLER_URL", front.url().toString());
      schedulerEnv.put("AUTORUNNER_TASKS_LOCAL_MIN_BACKOFF", "500ms");
      schedulerEnv.put("AUTORUNNER_TASKS_LOCAL_MAX_BACKOFF", "5s");
      schedulerEnv.put("AUTORUNNER_TASKS_LOCAL_MAX_ATTEMPTS", "30");
      schedulerEnv.put("AUTORUNNER_TASKS_LOCAL_MAX_CONCURRENT_DISPATCHES", "10");
      schedulerEnv.putAll(options.schedulerEnv());
      ServiceProcess scheduler =
          ServiceProcess.start(
              "scheduler",
              root.resolve("scheduler-service/target/scheduler-service.jar"),
              schedulerEnv,
              logs.resolve("scheduler.log"),
              START_TIMEOUT);
      github.setWebhook(scheduler.url().resolve("/webhook"), SECRET);
      return new LocalSystem(gce, github, store, handlers, front, scheduler);
    } catch (IOException | InterruptedException | RuntimeException e) {
      handlers.forEach(ServiceProcess::close);
      if (front != null) {
        front.close();
      }
      github.close();
      gce.close();
      store.close();
      throw e;
    }
  }

  private static String appKeyPem() {
    try {
      java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
      return "-----BEGIN PRIVATE KEY-----\n"
          + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
          + "\n-----END PRIVATE KEY-----\n";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("RSA is not available", e);
    }
  }

  private static String handlerName(int index, int count) {
    return count == 1 ? "handler" : "handler-" + (index + 1);
  }

  public FakeComputeEngine gce() {
    return gce;
  }

  public FakeGitHub github() {
    return github;
  }

  /** The first handler instance. */
  public ServiceProcess handler() {
    return handlers.get(0);
  }

  /** Where tasks reach the handler: the front of all its instances. */
  public URI handlerUrl() {
    return handlers.size() == 1 ? handlers.get(0).url() : front.url();
  }

  public int handlerInstances() {
    return handlers.size();
  }

  /** Kills handler instance {@code index} with SIGKILL: whatever it was doing stops mid-way. */
  public void killHandler(int index) throws InterruptedException {
    handlers.get(index).kill();
  }

  /** Starts handler instance {@code index} again (after {@link #killHandler}), same address. */
  public void restartHandler(int index) throws IOException, InterruptedException {
    handlers.set(index, handlers.get(index).restart(START_TIMEOUT));
  }

  /** Lines of every handler instance's log (all its lives) that contain {@code text}. */
  public List<String> handlerLogLines(String text) throws IOException {
    List<String> lines = new ArrayList<>();
    for (ServiceProcess handler : handlers) {
      try (var all = Files.lines(handler.log())) {
        all.filter(line -> line.contains(text)).forEach(lines::add);
      }
    }
    return lines;
  }

  public ServiceProcess scheduler() {
    return scheduler;
  }

  /** Lines of the scheduler's log that contain {@code text}. */
  public List<String> schedulerLogLines(String text) throws IOException {
    try (var all = Files.lines(scheduler.log())) {
      return all.filter(line -> line.contains(text)).toList();
    }
  }

  @Override
  public void close() {
    scheduler.close();
    new ArrayList<>(handlers).forEach(ServiceProcess::close);
    front.close();
    github.close();
    gce.close();
    store.close();
  }

  /** The handlers' shared store. */
  public FakeDatastore store() {
    return store;
  }
}
