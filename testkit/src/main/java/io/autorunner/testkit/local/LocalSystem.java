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
      List<ServiceProcess> instances = handlers;
      // Tasks and the VMs' requests for their runner both reach the handler through the front.
      front = new RoundRobinProxy(() -> instances.stream().map(ServiceProcess::url).toList());
      Map<String, String> handlerEnv =
          ServiceEnvironments.handler(gce, github, store, front.url(), options.handlerEnv());
      for (int i = 0; i < handlerInstances; i++) {
        handlers.add(
            ServiceProcess.start(
                handlerName(i, handlerInstances),
                root.resolve("handler-service/target/handler-service.jar"),
                handlerEnv,
                logs.resolve(handlerName(i, handlerInstances) + ".log"),
                START_TIMEOUT));
      }
      Map<String, String> schedulerEnv =
          ServiceEnvironments.scheduler(front.url(), options.schedulerEnv());
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

  /** Handler instance {@code index}, on its own address (not through the front). */
  public ServiceProcess handler(int index) {
    return handlers.get(index);
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
