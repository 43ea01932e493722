package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.compute.v1.AcceleratorConfig;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import io.autorunner.testkit.github.FakeGitHub;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page opened in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}, which {@code .ci/run} installs) against the handler jar and the fakes, in the
 * state a person opens it for: a VM still booting, one whose runner runs a job, one whose runner
 * waits (its job was taken by a runner elsewhere), a warm pool's VM, a job that waits because the
 * cap is reached, and a zone out of GPUs. With {@code -Dstatus.screenshot=PATH} it saves what the
 * browser shows as a PNG (the README's picture is made that way).
 */
class StatusPageBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String REPO = "acme/models";
  private static final String OUT_OF_GPUS = "us-central1-a";
  private static final String ALSO_OUT = "us-central1-b";

  private static LocalSystem system;
  private static WebDriver browser;
  private static long idleJob;
  private static long busyJob;
  private static long bootingJob;
  private static long waitingJob;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the status page test needs Debian's chromium and chromium-driver"
            + " (apt-get install chromium chromium-driver; .ci/run installs them)");
    Map<String, String> handlerEnv =
        Map.of(
            // Nothing is reaped or replaced while the page is looked at.
            "AUTORUNNER_RECONCILE_EVERY", "0s",
            "AUTORUNNER_LIMITS_MAX_INSTANCES", "4",
            "AUTORUNNER_STATUS_REFRESH", "5s",
            // Two regions: the GPU VM's regional bulk insert in us-central1 finds no GPU in
            // either of its zones, and the page shows that stock-out, which GCE keeps as a region
            // operation, from the seeker's shared notes.
            "AUTORUNNER_GCE_ZONES", OUT_OF_GPUS + "," + ALSO_OUT + ",europe-west4-a");
    system =
        LocalSystem.start(
            Path.of("..").toAbsolutePath().normalize(),
            Path.of("target/status-page"),
            new LocalSystem.Options(
                handlerEnv, Map.of(), 1, github -> github.addRepository(REPO, true)));
    FakeGitHub github = system.github();
    github.setRunTime(Duration.ofMinutes(10));

    warmPoolVm();
    // A runner registered elsewhere takes the first job while its VM boots: the VM's runner
    // then waits for a job that matches it.
    system.gce().setBootDelay(Duration.ofSeconds(5));
    idleJob = github.queueJob(REPO, List.of("self-hosted", "gce", "bind=idle-1"));
    await(() -> system.gce().instance(vmOf(idleJob)).isPresent(), "the first VM was inserted");
    long laptop =
        registerRepositoryRunner("laptop-1", List.of("self-hosted", "gce", "bind=idle-1"));
    await(
        () -> system.github().runners().stream().anyMatch(r -> r.id() == laptop && r.busy()),
        "the laptop runner took the job");
    await(() -> runnerOf(idleJob, false), "the first VM's runner is online and idle");

    system.gce().setBootDelay(Duration.ofMillis(300));
    system.gce().exhaustGpuCapacity(OUT_OF_GPUS);
    system.gce().exhaustGpuCapacity(ALSO_OUT);
    busyJob = github.queueJob(REPO, List.of("self-hosted", "gce", "gpu", "bind=busy-1"));
    await(() -> runnerOf(busyJob, true), "the GPU VM's runner runs its job");
    system.gce().restoreCapacity(OUT_OF_GPUS);
    system.gce().restoreCapacity(ALSO_OUT);

    system.gce().setBootDelay(Duration.ofMinutes(10));
    bootingJob = github.queueJob(REPO, List.of("self-hosted", "gce", "bind=boot-1"));
    await(() -> system.gce().instance(vmOf(bootingJob)).isPresent(), "the third VM was inserted");
    waitingJob = github.queueJob(REPO, List.of("self-hosted", "gce", "bind=queued-1"));
    await(
        () ->
            system.handlerLogLines("autorunner.limits.max-instances is 4").stream()
                .anyMatch(line -> line.contains(Long.toString(waitingJob))),
        "the handler turned the fourth job away at the cap");

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1100");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  void showsEachVmWithItsRunnerStateTheWaitingJobThePoolAndTheZoneOutOfGpus() throws Exception {
    browser.get(statusUrl());

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              browser.navigate().refresh();
              assertThat(browser.getTitle()).isEqualTo("autorunner status");
              assertThat(stateOf(vmOf(idleJob))).isEqualTo("idle");
              assertThat(stateOf(vmOf(busyJob))).isEqualTo("busy");
              assertThat(stateOf(vmOf(bootingJob))).isEqualTo("booting");
              assertThat(cells("tr[data-job='" + waitingJob + "'] td"))
                  .satisfies(row -> assertThat(row.get(3)).matches("\\d+s|\\d+m \\d\\ds"))
                  .satisfies(row -> assertThat(row.get(4)).isEqualTo("none"));
            });

    List<String> busy = cells("tr[data-vm='" + vmOf(busyJob) + "'] td");
    assertThat(busy.get(2)).startsWith(busyJob + " (run ");
    assertThat(busy.get(3)).isEqualTo(REPO);
    assertThat(busy.get(4)).isEqualTo("n1-standard-4 + 1 x nvidia-tesla-t4");
    assertThat(busy.get(5)).isEqualTo("europe-west4-a");
    assertThat(busy.get(6)).isEqualTo("Spot");
    assertThat(cells("tr[data-pool='gpu-warm'] td").get(2)).isEqualTo("ghr-pool-1");
    assertThat(browser.findElement(By.id("stock-outs")).getText())
        .contains(OUT_OF_GPUS, vmOf(busyJob));
    assertThat(
            browser
                .findElement(By.cssSelector("tr[data-vm='" + vmOf(busyJob) + "'] a"))
                .getAttribute("href"))
        .startsWith("https://console.cloud.google.com/logs/query;query=")
        .contains("project=local-demo");

    String screenshot = System.getProperty("status.screenshot");
    if (screenshot != null && !screenshot.isBlank()) {
      Path png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(png, Path.of(screenshot), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void thePageReloadsItselfAtTheConfiguredPeriod() {
    browser.get(statusUrl());
    WebElement refresh = browser.findElement(By.cssSelector("meta[http-equiv='refresh']"));
    assertThat(refresh.getAttribute("content")).isEqualTo("5");
    String first = browser.findElement(By.id("read-at")).getText();

    // No click, no navigation from here: only the page's own refresh can change what it shows.
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> !browser.findElement(By.id("read-at")).getText().equals(first));
  }

  private static String statusUrl() {
    return system.handlerUrl().resolve("/status").toString();
  }

  private static String stateOf(String vm) {
    return browser.findElement(By.cssSelector("tr[data-vm='" + vm + "'] td.state")).getText();
  }

  private static List<String> cells(String selector) {
    return browser.findElements(By.cssSelector(selector)).stream()
        .map(WebElement::getText)
        .toList();
  }

  private static String vmOf(long job) {
    return "ghr-" + job + "-1";
  }

  private static boolean runnerOf(long job, boolean busy) {
    return system.github().runners().stream()
        .anyMatch(
            r -> r.name().equals(vmOf(job)) && "online".equals(r.status()) && r.busy() == busy);
  }

  /** A VM of the pool {@code gpu-warm}, as a pool would keep it: ours, for no job yet. */
  private static void warmPoolVm() throws Exception {
    try (InstancesClient client =
        InstancesClient.create(
            InstancesSettings.newBuilder()
                .setEndpoint(system.gce().baseUrl().toString())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
      String zone = "us-central1-c";
      Instance pool =
          Instance.newBuilder()
              .setName("ghr-pool-1")
              .setMachineType("zones/" + zone + "/machineTypes/n1-standard-4")
              .addGuestAccelerators(
                  AcceleratorConfig.newBuilder()
                      .setAcceleratorType("zones/" + zone + "/acceleratorTypes/nvidia-tesla-t4")
                      .setAcceleratorCount(1))
              .putLabels("managed-by", "autorunner")
              .putLabels("autorunner-pool", "gpu-warm")
              .build();
      client.insertAsync("local-demo", zone, pool).get(30, TimeUnit.SECONDS);
    }
  }

  /** A runner on a machine of someone's own, registered on the repository. */
  private static long registerRepositoryRunner(String name, List<String> labels)
      throws IOException, InterruptedException {
    String body =
        "{\"name\":\""
            + name
            + "\",\"runner_group_id\":1,\"work_folder\":\"_work\",\"labels\":[\""
            + String.join("\",\"", labels)
            + "\"]}";
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        system
                            .github()
                            .baseUrl()
                            .resolve("/repos/" + REPO + "/actions/runners/generate-jitconfig"))
                    .header("Authorization", "Bearer ghs_test")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    String jit =
        tools.jackson.databind.json.JsonMapper.builder()
            .build()
            .readTree(answer.body())
            .path("encoded_jit_config")
            .asString();
    return system.github().bootRunner(jit, name, () -> {});
  }

  private static void await(Callable<Boolean> condition, String what) {
    Awaitility.await(what).atMost(Duration.ofSeconds(60)).until(condition);
  }
}
