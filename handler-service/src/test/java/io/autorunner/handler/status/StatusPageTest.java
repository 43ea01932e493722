package io.autorunner.handler.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.JitRunner;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.github.QueuedJob;
import io.autorunner.handler.reconcile.SweepReader;
import io.autorunner.handler.reconcile.SweepSources;
import io.autorunner.handler.testing.InMemoryMachines;
import io.autorunner.handler.testing.InMemoryRegistry;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.StockOuts;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The page's content from what the ports say, rendered as a person reads it. */
class StatusPageTest {

  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final StatusProperties SETTINGS =
      new StatusProperties(
          Duration.ofSeconds(15),
          Duration.ofHours(1),
          "autorunner-handler",
          "autorunner-scheduler",
          "my-proj");

  private final InMemoryMachines machines = new InMemoryMachines();
  private final InMemoryRegistry registry = new InMemoryRegistry();
  private final List<StockOuts.StockOut> stockOuts = new ArrayList<>();
  private final AtomicInteger listings = new AtomicInteger();
  private Instant now = NOW;
  private GitHubException failRunners;

  @BeforeEach
  void vms() {
    machines.now = NOW;
    machines.add("ghr-101-1", job(101), NOW.minusSeconds(30));
    machines.add("ghr-102-1", job(102), NOW.minusSeconds(400), 9002);
    machines.add("ghr-103-1", job(103), NOW.minusSeconds(4000), 9003);
    registry.runners.put("ghr-102-1", new GitHubRunner(9002, "ghr-102-1", "online", false, null));
    registry.runners.put("ghr-103-1", new GitHubRunner(9003, "ghr-103-1", "online", true, null));
    registry.queued.add(
        new QueuedJob(
            job(104), List.of("self-hosted", "gce", "<img src=x>"), NOW.minusSeconds(95)));
  }

  @Test
  void showsEachVmWithItsRunnerStateShapeAndAgeAndTheQueuedJobWithItsWait() {
    String html = page();

    assertThat(html).contains("<meta http-equiv=\"refresh\" content=\"15\">");
    assertThat(row(html, "ghr-101-1")).contains(">booting<", ">30s<", "e2-standard-4", ">Spot<");
    assertThat(row(html, "ghr-102-1")).contains(">idle<", ">6m 40s<");
    assertThat(row(html, "ghr-103-1"))
        .contains(">busy<", ">1h 06m<", "acme/models", "103 (run 603)");
    assertThat(html).contains("data-job=\"104\"", ">1m 35s<", "<td>none</td>");
    assertThat(html).contains("No pools configured.", "id=\"no-stock-outs\"");
  }

  @Test
  void escapesWhatCameFromGitHub() {
    String html = page();

    assertThat(html).doesNotContain("<img src=x>").contains("&lt;img src=x&gt;");
  }

  @Test
  void linksEachVmAndJobToItsLogsInTheProject() {
    String html = page();

    assertThat(row(html, "ghr-103-1"))
        .contains("https://console.cloud.google.com/logs/query;query=")
        .contains("%22ghr-103-1%22")
        .contains("?project=my-proj");
    assertThat(html).contains("severity%3E%3DWARNING");
  }

  @Test
  void withoutAPriceTableTheCostIsADashAndWithOneItIsShown() {
    assertThat(row(page(), "ghr-102-1")).contains("<td>—</td>");

    CostEstimate table =
        (vm, at) ->
            Optional.of(new Money(BigDecimal.valueOf(vm.age(at).toSeconds() / 1000.0), "USD"));
    String html =
        new StatusPage(logs(), SETTINGS.refresh(), SETTINGS.stockOutWindow())
            .render(reader(Pools.none(), table).current());
    assertThat(row(html, "ghr-103-1")).contains("USD 4.00");
  }

  @Test
  void showsPoolsFromTheirVmsLabels() {
    machines.add("ghr-201-1", job(201), NOW.minusSeconds(60), 9201);
    machines.changeLabels("ghr-201-1", l -> l.put(LabelledPools.POOL_LABEL, "gpu-warm"));
    registry.runners.put("ghr-201-1", new GitHubRunner(9201, "ghr-201-1", "online", false, null));

    String html = page(new LabelledPools());

    assertThat(html).contains("data-pool=\"gpu-warm\"", "1 VM: 1 idle; e2-standard-4", "ghr-201-1");
  }

  @Test
  void showsStockOutsAndWhatCouldNotBeRead() {
    stockOuts.add(
        new StockOuts.StockOut(
            "us-central1-a", "ghr-105-1", NOW.minusSeconds(120), "does not have enough resources"));
    failRunners = new GitHubException.Transient("502 from GitHub", null);

    String html = page();

    assertThat(html).contains("<td>us-central1-a</td>", "does not have enough resources");
    assertThat(html).contains("runners of org:acme not listed: 502 from GitHub");
    assertThat(row(html, "ghr-103-1")).contains(">unknown<");
  }

  @Test
  void oneReadServesRequestsForHalfTheRefreshPeriod() {
    StatusReader reader = reader(Pools.none(), CostEstimate.unknown());

    reader.current();
    now = NOW.plusSeconds(7);
    reader.current();
    assertThat(listings).hasValue(1);

    now = NOW.plusSeconds(8);
    reader.current();
    assertThat(listings).hasValue(2);
  }

  @Test
  void badSettingsAreRefusedAtStart() {
    assertThatThrownBy(
            () -> new StatusProperties(Duration.ofSeconds(1), Duration.ofHours(1), "h", "s", ""))
        .hasMessageContaining("autorunner.status.refresh must be 5s to 10m");
    assertThatThrownBy(
            () ->
                new StatusProperties(
                    Duration.ofSeconds(15), Duration.ofHours(1), "Bad Name", "s", ""))
        .hasMessageContaining("autorunner.status.handler-service");
    assertThatThrownBy(
            () ->
                new StatusProperties(
                    Duration.ofSeconds(15), Duration.ofHours(1), "h", "s", "x\" OR \"y"))
        .hasMessageContaining("autorunner.status.logs-project");
  }

  @Test
  void aStockOutReadFailureLeavesTheRestOfThePage() {
    StockOuts failing =
        since -> {
          throw new ComputeException.Transient("GCE 503", null);
        };
    StatusReader reader =
        new StatusReader(sweep(), failing, Pools.none(), CostEstimate.unknown(), SETTINGS, clock());

    String html =
        new StatusPage(logs(), SETTINGS.refresh(), SETTINGS.stockOutWindow())
            .render(reader.current());

    assertThat(html).contains("stock-outs not read: GCE 503", "data-vm=\"ghr-103-1\"");
  }

  private String page() {
    return page(Pools.none());
  }

  private String page(Pools pools) {
    return new StatusPage(logs(), SETTINGS.refresh(), SETTINGS.stockOutWindow())
        .render(reader(pools, CostEstimate.unknown()).current());
  }

  private StatusReader reader(Pools pools, CostEstimate costs) {
    return new StatusReader(
        sweep(), since -> List.copyOf(stockOuts), pools, costs, SETTINGS, clock());
  }

  private SweepReader sweep() {
    return new SweepReader(
        new CountingMachines(), github(), new InstanceNaming("ghr"), SweepSources.none());
  }

  private Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneId.of("UTC");
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
  }

  private static LogsExplorer logs() {
    return new LogsExplorer("my-proj", "autorunner-handler", "autorunner-scheduler");
  }

  private static String row(String html, String vm) {
    int start = html.indexOf("<tr data-vm=\"" + vm + "\"");
    assertThat(start).as("row of %s", vm).isNotNegative();
    return html.substring(start, html.indexOf("</tr>", start));
  }

  private static JobRef job(long id) {
    return new JobRef(id, 500 + id, 1, "acme/models", "acme", 555L);
  }

  /** The in-memory VMs, counting how often they are listed. */
  private final class CountingMachines implements io.autorunner.handler.vm.RunnerMachines {
    @Override
    public io.autorunner.handler.vm.CreatedMachine create(
        io.autorunner.handler.vm.MachineRequest request) {
      return machines.create(request);
    }

    @Override
    public boolean delete(String name) {
      return machines.delete(name);
    }

    @Override
    public boolean relabel(
        io.autorunner.handler.vm.Machine vm, java.util.Map<String, String> added) {
      return machines.relabel(vm, added);
    }

    @Override
    public Optional<io.autorunner.handler.vm.Machine> find(String name) {
      return machines.find(name);
    }

    @Override
    public List<io.autorunner.handler.vm.Machine> list() {
      listings.incrementAndGet();
      return machines.list();
    }

    @Override
    public boolean wasPreempted(String name) {
      return false;
    }
  }

  /** The in-memory registry, whose runner listing fails while {@link #failRunners} is set. */
  private GitHubActions github() {
    return new GitHubActions() {
      @Override
      public JitRunner createJitRunner(
          RepositoryScope scope, String runnerName, List<String> labels) {
        return registry.createJitRunner(scope, runnerName, labels);
      }

      @Override
      public Optional<GitHubRunner> findRunner(RepositoryScope scope, String runnerName) {
        return registry.findRunner(scope, runnerName);
      }

      @Override
      public boolean deleteRunner(RepositoryScope scope, long runnerId) {
        return registry.deleteRunner(scope, runnerId);
      }

      @Override
      public List<GitHubRunner> listRunners(RepositoryScope scope) {
        if (failRunners != null) {
          throw failRunners;
        }
        return registry.listRunners(scope);
      }

      @Override
      public Optional<JobStatus> job(JobRef job) {
        return registry.job(job);
      }

      @Override
      public void rerunJob(JobRef job) {
        registry.rerunJob(job);
      }

      @Override
      public List<QueuedJob> queuedJobs(RepositoryScope repository) {
        return registry.queuedJobs(repository);
      }

      @Override
      public List<JobStatus> attemptJobs(JobRef job, int attempt) {
        return registry.attemptJobs(job, attempt);
      }

      @Override
      public int runAttempt(JobRef job) {
        return registry.runAttempt(job);
      }
    };
  }
}
