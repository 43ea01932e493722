package io.autorunner.handler.vm;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job a VM was made for, kept in its metadata in full (labels must be lower case and cannot
 * hold {@code owner/name}), so the reconciler can reach the job and its runners on GitHub from the
 * VM alone; and what the VM needs to ask for its runner at boot: where, with which audience, and
 * the labels the runner is to register with. Nothing here is secret. Only the job keys and the
 * runner labels are read back.
 */
public final class MachineMetadata {

  static final String JOB_ID = "autorunner-job-id";
  static final String RUN_ID = "autorunner-run-id";
  static final String RUN_ATTEMPT = "autorunner-run-attempt";
  static final String REPOSITORY = "autorunner-repository";
  static final String ORGANIZATION = "autorunner-organization";
  static final String INSTALLATION_ID = "autorunner-installation-id";

  /** The runner's labels, comma-separated (the label grammar has no commas). */
  static final String RUNNER_LABELS = "autorunner-runner-labels";

  /** A pool VM's runner scope ({@link PoolScope#toString()}): it has no job to take one from. */
  static final String POOL_SCOPE = "autorunner-pool-scope";

  /** Where the VM's startup script asks for its runner. */
  public static final String RUNNER_CONFIG_URL = "autorunner-runner-config-url";

  /** The audience of the identity token the VM asks with. */
  public static final String RUNNER_CONFIG_AUDIENCE = "autorunner-runner-config-audience";

  private MachineMetadata() {}

  /** The metadata items describing the job. */
  public static Map<String, String> of(JobRef job) {
    Map<String, String> items = new LinkedHashMap<>();
    items.put(JOB_ID, Long.toString(job.jobId()));
    items.put(RUN_ID, Long.toString(job.runId()));
    items.put(RUN_ATTEMPT, Integer.toString(job.runAttempt()));
    items.put(REPOSITORY, job.repository());
    if (job.organization() != null) {
      items.put(ORGANIZATION, job.organization());
    }
    if (job.installationId() != null) {
      items.put(INSTALLATION_ID, Long.toString(job.installationId()));
    }
    return items;
  }

  /** The metadata items describing a pool VM's runner scope. */
  public static Map<String, String> ofPool(PoolScope scope) {
    return Map.of(POOL_SCOPE, scope.toString());
  }

  /** A pool VM's runner scope read back; empty when the VM does not say or says nonsense. */
  public static Optional<RepositoryScope> poolScopeOf(Map<String, String> items) {
    String scope = items.get(POOL_SCOPE);
    if (scope == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(PoolScope.parse(scope));
    } catch (IllegalArgumentException unreadable) {
      return Optional.empty();
    }
  }

  /** The metadata items a VM asks for its runner with. */
  public static Map<String, String> boot(List<String> runnerLabels, HandoutAddress handout) {
    Map<String, String> items = new LinkedHashMap<>();
    items.put(RUNNER_LABELS, String.join(",", runnerLabels));
    items.put(RUNNER_CONFIG_URL, handout.url().toString());
    items.put(RUNNER_CONFIG_AUDIENCE, handout.audience());
    return items;
  }

  /** The runner's labels read back; empty when the VM does not say. */
  public static List<String> runnerLabelsOf(Map<String, String> items) {
    String labels = items.get(RUNNER_LABELS);
    if (labels == null || labels.isBlank()) {
      return List.of();
    }
    return List.of(labels.split(","));
  }

  /**
   * True for the keys an adapter may read back: the job's, the pool scope and the runner's labels.
   */
  public static boolean isJobKey(String key) {
    return key.equals(RUNNER_LABELS)
        || key.equals(POOL_SCOPE)
        || key.equals(JOB_ID)
        || key.equals(RUN_ID)
        || key.equals(RUN_ATTEMPT)
        || key.equals(REPOSITORY)
        || key.equals(ORGANIZATION)
        || key.equals(INSTALLATION_ID);
  }

  /** The job read back from metadata items; empty when they do not describe one. */
  public static Optional<JobRef> jobOf(Map<String, String> items) {
    try {
      String installation = items.get(INSTALLATION_ID);
      return Optional.of(
          new JobRef(
              Long.parseLong(items.get(JOB_ID)),
              Long.parseLong(items.get(RUN_ID)),
              Integer.parseInt(items.getOrDefault(RUN_ATTEMPT, "1")),
              items.get(REPOSITORY),
              items.get(ORGANIZATION),
              installation == null ? null : Long.valueOf(installation)));
    } catch (RuntimeException incomplete) {
      // A VM made by hand or by an older version: the reconciler judges it by age alone.
      return Optional.empty();
    }
  }
}
