package io.autorunner.testkit.local;

import io.autorunner.testkit.gce.FakeComputeEngine;
import io.autorunner.testkit.github.FakeGitHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * autorunner on one machine, with no cloud account: the scheduler (local queue) and the handler
 * (Compute Engine client pointed at the fake) as real processes, GitHub and Compute Engine as the
 * stateful fakes. GitHub's webhooks reach the scheduler signed; the handler's API calls reach the
 * fakes over loopback HTTP.
 */
public final class LocalSystem implements AutoCloseable {

  public static final String SECRET = "local-webhook-secret";

  private final FakeComputeEngine gce;
  private final FakeGitHub github;
  private final ServiceProcess handler;
  private final ServiceProcess scheduler;

  private LocalSystem(
      FakeComputeEngine gce, FakeGitHub github, ServiceProcess handler, ServiceProcess scheduler) {
    this.gce = gce;
    this.github = github;
    this.handler = handler;
    this.scheduler = scheduler;
  }

  /**
   * Starts everything. {@code extraHandlerEnv} overrides the handler's environment (e.g. zones).
   *
   * @param root the repository root, where the service jars were built
   * @param logs where each service's log goes
   */
  public static LocalSystem start(Path root, Path logs, Map<String, String> extraHandlerEnv)
      throws IOException, InterruptedException {
    Files.createDirectories(logs);
    FakeComputeEngine gce = new FakeComputeEngine();
    FakeGitHub github = new FakeGitHub();
    github.bootRunnersOn(gce);
    ServiceProcess handler = null;
    try {
      Map<String, String> handlerEnv = new LinkedHashMap<>();
      handlerEnv.put("AUTORUNNER_HANDLER_AUTH", "none");
      handlerEnv.put("AUTORUNNER_COMPUTE_MODE", "gce");
      handlerEnv.put("AUTORUNNER_GCE_PROJECT", "local-demo");
      handlerEnv.put("AUTORUNNER_GCE_ENDPOINT", gce.baseUrl().toString());
      handlerEnv.put("AUTORUNNER_GCE_ZONES", "us-central1-a,us-central1-b,us-central1-c");
      handlerEnv.put("AUTORUNNER_GITHUB_API_URL", github.baseUrl().toString());
      handlerEnv.put("AUTORUNNER_GITHUB_TOKEN", "local-token");
      // No Cloud Scheduler here: the handler runs its own reconciler, with windows sized for VMs
      // that boot in seconds.
      handlerEnv.put("AUTORUNNER_RECONCILE_EVERY", "3s");
      handlerEnv.put("AUTORUNNER_RECONCILE_BOOT_TIMEOUT", "15s");
      handlerEnv.put("AUTORUNNER_RECONCILE_QUEUED_GRACE", "5s");
      handlerEnv.put("AUTORUNNER_RECONCILE_ORPHAN_RUNNER_GRACE", "5s");
      handlerEnv.putAll(extraHandlerEnv);
      handler =
          ServiceProcess.start(
              "handler",
              root.resolve("handler-service/target/handler-service.jar"),
              handlerEnv,
              logs.resolve("handler.log"),
              Duration.ofSeconds(90));
      Map<String, String> schedulerEnv = new LinkedHashMap<>();
      schedulerEnv.put("AUTORUNNER_WEBHOOK_SECRET", SECRET);
      schedulerEnv.put("AUTORUNNER_TASKS_MODE", "local");
      schedulerEnv.put("AUTORUNNER_TASKS_HANDLER_URL", handler.url().toString());
      schedulerEnv.put("AUTORUNNER_TASKS_LOCAL_MIN_BACKOFF", "500ms");
      schedulerEnv.put("AUTORUNNER_TASKS_LOCAL_MAX_BACKOFF", "5s");
      schedulerEnv.put("AUTORUNNER_TASKS_LOCAL_MAX_ATTEMPTS", "30");
      ServiceProcess scheduler =
          ServiceProcess.start(
              "scheduler",
              root.resolve("scheduler-service/target/scheduler-service.jar"),
              schedulerEnv,
              logs.resolve("scheduler.log"),
              Duration.ofSeconds(90));
      github.setWebhook(scheduler.url().resolve("/webhook"), SECRET);
      return new LocalSystem(gce, github, handler, scheduler);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (handler != null) {
        handler.close();
      }
      github.close();
      gce.close();
      throw e;
    }
  }

  public FakeComputeEngine gce() {
    return gce;
  }

  public FakeGitHub github() {
    return github;
  }

  public ServiceProcess handler() {
    return handler;
  }

  public ServiceProcess scheduler() {
    return scheduler;
  }

  @Override
  public void close() {
    scheduler.close();
    handler.close();
    github.close();
    gce.close();
  }
}
