package io.autorunner.testkit.local;

import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.github.Delivery;
import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The README's first command: runs autorunner on this machine and shows it working. It queues a
 * small workflow (a CPU job, a GPU job, and an L4 job cancelled while queued, each with the
 * README's binding label) on the fake GitHub, which sends signed webhooks to the scheduler; it
 * waits until every job is over and every VM is gone, then prints what each job got, which runner
 * it ran on, and where its rendered startup script is.
 *
 * <p>Arguments: the repository root and an output folder.
 */
public final class LocalDemo {

  private static final String REPO = "acme/models";

  /**
   * The binding label of the README's {@code runs-on} line, {@code JOB} standing for the job's id:
   * without it the CPU job, whose labels are a subset of the GPU job's, may take the GPU job's VM.
   */
  private static final String BIND =
      "bind=JOB-${{ github.run_id }}-${{ github.run_attempt }}-${{ strategy.job-index }}";

  private LocalDemo() {}

  /** A job's {@code runs-on}: the trigger labels, the given ones and its binding label. */
  private static List<String> runsOn(String jobId, String... labels) {
    List<String> runsOn = new ArrayList<>(List.of("self-hosted", "gce"));
    runsOn.addAll(List.of(labels));
    runsOn.add(BIND.replace("JOB", jobId));
    return runsOn;
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    Path out = Path.of(args.length > 1 ? args[1] : "run/local").toAbsolutePath().normalize();
    Files.createDirectories(out);
    long started = System.nanoTime();
    say(
        "autorunner on this machine: GitHub and Compute Engine are local fakes, no account needed.");
    say("Starting the handler and the scheduler (logs in " + root.relativize(out) + "/) ...");
    try (LocalSystem system = LocalSystem.start(root, out, Map.of())) {
      system.gce().setBootDelay(Duration.ofSeconds(3));
      system.github().setRunTime(Duration.ofSeconds(3));
      say("  scheduler  " + system.scheduler().url() + "/webhook   (local task queue)");
      say("  handler    " + system.handler().url() + "/tasks/*    (Compute Engine API → fake)");
      say("");

      FakeGitHub github = system.github();
      Map<Long, String> story = new LinkedHashMap<>();
      long cpu = github.queueJob(REPO, runsOn("cpu"));
      story.put(cpu, "a CPU job");
      long gpu = github.queueJob(REPO, runsOn("gpu", "gpu"));
      story.put(gpu, "a GPU job");
      long cancelled = github.queueJob(REPO, runsOn("l4", "gpu=nvidia-l4"));
      story.put(cancelled, "an L4 job, cancelled while queued");
      say("Queued a workflow in " + REPO + " (each job binds its runner: " + BIND + "):");
      for (Map.Entry<Long, String> job : story.entrySet()) {
        say(
            String.format(
                "  job %-12d runs-on %-60s %s",
                job.getKey(), github.job(job.getKey()).orElseThrow().labels(), job.getValue()));
      }
      Thread.sleep(1500);
      github.cancel(cancelled);
      say("");
      say("Waiting for every job to end and every VM to be deleted ...");
      boolean drained = awaitDrained(system, Duration.ofSeconds(120));
      say(
          String.format(
              "%s after %.1f s.",
              drained ? "Done" : "Gave up", (System.nanoTime() - started) / 1e9));
      say("");
      report(system, story.keySet(), root, out);
      if (!drained) {
        System.exit(1);
      }
    }
  }

  private static boolean awaitDrained(LocalSystem system, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean jobsOver = system.github().jobs().stream().allMatch(Job::completed);
      if (jobsOver && system.gce().instances().isEmpty() && system.github().runners().isEmpty()) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  private static void report(LocalSystem system, Iterable<Long> jobs, Path root, Path out)
      throws IOException {
    List<FakeInstance> created = system.gce().created();
    say(
        String.format(
            "%-12s %-10s %-20s %-20s %-15s %-20s %-15s %-9s %s",
            "job",
            "outcome",
            "ran on",
            "VM made for it",
            "machine",
            "GPU",
            "zone",
            "model",
            "startup script"));
    List<Long> onAnotherJobsVm = new ArrayList<>();
    for (long id : jobs) {
      Job job = system.github().job(id).orElseThrow();
      String ranOn = job.runnerName() == null ? "-" : job.runnerName();
      List<FakeInstance> vms =
          created.stream()
              .filter(vm -> Long.toString(id).equals(vm.labels().get("autorunner-job-id")))
              .toList();
      if (job.runnerName() != null
          && vms.stream().noneMatch(vm -> vm.name().equals(job.runnerName()))) {
        onAnotherJobsVm.add(id);
      }
      if (vms.isEmpty()) {
        say(
            String.format(
                "%-12d %-10s %-20s %s", id, job.conclusion(), ranOn, "no VM (none was needed)"));
      }
      for (FakeInstance vm : vms) {
        Path script = out.resolve(vm.name() + ".startup.sh");
        Files.writeString(script, vm.startupScript());
        Files.writeString(out.resolve(vm.name() + ".json"), vm.resource().toPrettyString());
        say(
            String.format(
                "%-12d %-10s %-20s %-20s %-15s %-20s %-15s %-9s %s",
                id,
                job.conclusion(),
                ranOn,
                vm.name(),
                vm.machineType(),
                gpu(vm),
                vm.zone(),
                vm.spot() ? "spot" : "standard",
                root.relativize(script)));
      }
    }
    List<Delivery> deliveries = system.github().deliveries();
    long bad = deliveries.stream().filter(d -> !d.answered2xx()).count();
    say("");
    say(
        onAnotherJobsVm.isEmpty()
            ? "Every job that ran, ran on the VM made for it."
            : "Jobs that ran on a VM made for another job: " + onAnotherJobsVm + ".");
    say(
        "Webhook deliveries: "
            + deliveries.size()
            + (bad == 0 ? ", every one answered 2xx." : ", " + bad + " NOT answered 2xx."));
    say(
        "VMs created: "
            + created.size()
            + ", deleted: "
            + system.gce().deleteCount()
            + ", still there: "
            + system.gce().instances().size()
            + ". Runners still registered on GitHub: "
            + system.github().runners().size()
            + ".");
    say("Each VM's full insert body is beside its script (" + root.relativize(out) + "/*.json).");
  }

  private static String gpu(FakeInstance vm) {
    JsonNode accelerators = vm.resource().path("guestAccelerators");
    if (accelerators.isArray() && !accelerators.isEmpty()) {
      JsonNode first = accelerators.get(0);
      String type = first.path("acceleratorType").asString();
      return first.path("acceleratorCount").asInt()
          + "x "
          + type.substring(type.lastIndexOf('/') + 1);
    }
    if (vm.machineType().startsWith("g2-")) {
      return "L4 (built into g2)";
    }
    return "-";
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
