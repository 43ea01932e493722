package io.autorunner.testkit;

import io.autorunner.testkit.datastore.FakeDatastore;
import io.autorunner.testkit.gce.FakeComputeEngine;
import io.autorunner.testkit.github.FakeGitHub;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The fakes as a program on loopback, for manual runs: {@code java -jar testkit/target/testkit.jar
 * [--gce-port=N] [--github-port=N] [--datastore-port=N] [--webhook-url=URL] [--webhook-secret=S]
 * [--boot-delay=2s] [--operation-delay=1s] [--run-time=10s]}. It prints their URLs and runs until
 * killed. Runners boot on the fake GCE's VMs; jobs are queued from the scheduler's point of view
 * only by GitHub, so this program queues none itself.
 */
public final class FakeCloud {

  private FakeCloud() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> options = parse(args);
    if (options.containsKey("help")) {
      System.out.println(
          "usage: java -jar testkit.jar [--gce-port=N] [--github-port=N] [--datastore-port=N]"
              + " [--webhook-url=URL]"
              + " [--webhook-secret=S] [--boot-delay=2s] [--operation-delay=1s] [--run-time=10s]");
      return;
    }
    FakeComputeEngine gce = new FakeComputeEngine(intOption(options, "gce-port", 0));
    FakeGitHub github = new FakeGitHub(intOption(options, "github-port", 0));
    FakeDatastore datastore = new FakeDatastore(intOption(options, "datastore-port", 0));
    gce.setBootDelay(duration(options.getOrDefault("boot-delay", "2s")));
    gce.setOperationDelay(duration(options.getOrDefault("operation-delay", "1s")));
    github.setRunTime(duration(options.getOrDefault("run-time", "10s")));
    String webhook = options.get("webhook-url");
    if (webhook != null) {
      github.setWebhook(URI.create(webhook), options.getOrDefault("webhook-secret", "fake-secret"));
    }
    github.bootRunnersOn(gce);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  github.close();
                  gce.close();
                  datastore.close();
                  stopped.countDown();
                }));
    System.out.println("fake GCE:    " + gce.baseUrl() + "   (autorunner.gce.endpoint)");
    System.out.println("fake GitHub: " + github.baseUrl() + "   (autorunner.github.api-url)");
    System.out.println(
        "fake Datastore: "
            + datastore.baseUrl()
            + "   (autorunner.store.endpoint, with autorunner.store.mode=datastore)");
    System.out.println(
        "webhooks to: " + (webhook == null ? "(none: pass --webhook-url)" : webhook));
    System.out.println(
        "queue a job: curl -X POST "
            + github.baseUrl()
            + FakeGitHub.CONTROL
            + "/jobs -d '{\"repository\":\"octo-org/app\",\"labels\":[\"self-hosted\",\"gce\"]}'");
    System.out.flush();
    stopped.await();
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + arg);
      }
      int eq = arg.indexOf('=');
      options.put(
          eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "" : arg.substring(eq + 1));
    }
    return options;
  }

  private static int intOption(Map<String, String> options, String key, int fallback) {
    String value = options.get(key);
    return value == null ? fallback : Integer.parseInt(value);
  }

  /** {@code 250ms}, {@code 2s}, {@code 1m}, or an ISO-8601 duration. */
  static Duration duration(String text) {
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    if (text.endsWith("s")) {
      return Duration.ofMillis(
          (long) (Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
    }
    if (text.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
    }
    return Duration.parse(text);
  }
}
