package io.autorunner.common.logging;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names of the fields both services write beside a log line's text, one place for the call
 * sites and for the log-based metrics that count them ({@code deploy/monitoring}): in Cloud Logging
 * each is {@code jsonPayload.NAME}. A line says what happened in {@link #EVENT} (one of {@link
 * Events}), and carries the fields of the work it is about. Ids and names only: never a token, a
 * key, a secret or a runner config.
 */
public final class LogFields {

  /** What the line reports: one of {@link Events}. */
  public static final String EVENT = "event";

  // A webhook delivery, as the scheduler answered it.
  public static final String DELIVERY = "delivery";
  public static final String GITHUB_EVENT = "github_event";
  public static final String ACTION = "action";
  public static final String STATUS = "status";
  public static final String DECISION = "decision";
  public static final String REASON = "reason";
  public static final String LATENCY_MS = "latency_ms";
  public static final String RUNNER = "runner";
  public static final String QUEUED_TO_START_S = "queued_to_start_s";

  // The job the work is for.
  public static final String JOB_ID = "job_id";
  public static final String RUN_ID = "run_id";
  public static final String REPOSITORY = "repository";
  public static final String WORKFLOW = "workflow";
  public static final String JOB_NAME = "job_name";

  // A handler task.
  public static final String TASK = "task";
  public static final String TASK_NAME = "task_name";
  public static final String RETRY = "retry";
  public static final String OUTCOME = "outcome";

  /** Who asked for the work: a task's kind, or {@code reconcile}. */
  public static final String TRIGGER = "trigger";

  // A VM and its shape.
  public static final String VM = "vm";
  public static final String ZONE = "zone";
  public static final String MACHINE_TYPE = "machine_type";
  public static final String GPU_TYPE = "gpu_type";
  public static final String GPU_COUNT = "gpu_count";
  public static final String SPOT = "spot";
  public static final String DISK_GB = "disk_gb";
  public static final String QUEUED_TO_INSERT_S = "queued_to_insert_s";
  public static final String SECONDS_ALIVE = "seconds_alive";
  public static final String COST_USD = "cost_usd";

  // GitHub's rate limit, from its answers' headers.
  public static final String RATE_LIMIT_REMAINING = "rate_limit_remaining";
  public static final String RATE_LIMIT_RESOURCE = "rate_limit_resource";

  private LogFields() {}

  /** Every field name above. */
  public static Set<String> all() {
    Set<String> names = new TreeSet<>();
    for (Field field : LogFields.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        try {
          names.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return names;
  }

  /** The values of {@link #EVENT}. */
  public static final class Events {

    /** A webhook delivery answered (scheduler). */
    public static final String DELIVERY = "delivery";

    /** A task answered (handler). */
    public static final String TASK = "task";

    /** A VM inserted. */
    public static final String VM_CREATED = "vm_created";

    /** A VM deleted, with its life's cost. */
    public static final String VM_DELETED = "vm_deleted";

    /** A zone out of capacity for a VM's shape. */
    public static final String CAPACITY_ERROR = "capacity_error";

    /**
     * A job failed on a VM GCE preempted; {@link #OUTCOME} {@code rerun} when it was re-run, {@code
     * rerun-limit} when its attempts were used up.
     */
    public static final String PREEMPTED = "preempted";

    /** What GitHub says is left of the rate limit. */
    public static final String RATE_LIMIT = "github_rate_limit";

    private Events() {}

    /** Every value above. */
    public static Set<String> all() {
      Set<String> names = new TreeSet<>();
      for (Field field : Events.class.getFields()) {
        try {
          names.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
      return names;
    }
  }
}
