package io.autorunner.handler.vm;

import io.autorunner.common.task.JobRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The job a VM was made for, kept in its metadata in full (labels must be lower case and cannot
 * hold {@code owner/name}), so the reconciler can reach the job and its runners on GitHub from the
 * VM alone. Only these keys are ever read back: the startup script holds a secret.
 */
public final class MachineMetadata {

  static final String JOB_ID = "autorunner-job-id";
  static final String RUN_ID = "autorunner-run-id";
  static final String RUN_ATTEMPT = "autorunner-run-attempt";
  static final String REPOSITORY = "autorunner-repository";
  static final String ORGANIZATION = "autorunner-organization";
  static final String INSTALLATION_ID = "autorunner-installation-id";

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

  /** True for the keys {@link #of} writes, the only ones an adapter may read back. */
  public static boolean isJobKey(String key) {
    return key.equals(JOB_ID)
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
