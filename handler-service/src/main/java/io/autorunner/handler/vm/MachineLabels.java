package io.autorunner.handler.vm;

/**
 * The label keys every adapter puts on a VM, so that the reconciler can read a {@link Machine}'s
 * labels without knowing which adapter made it. GCE label rules apply: lower case, at most 63
 * characters.
 */
public final class MachineLabels {

  /** Marks a VM as autorunner's: nothing without it is ever listed or deleted. */
  public static final String MANAGED_BY = "managed-by";

  /** The value of {@link #MANAGED_BY}. */
  public static final String MANAGED_BY_VALUE = "autorunner";

  public static final String JOB_ID = "autorunner-job-id";
  public static final String RUN_ID = "autorunner-run-id";

  /** The repository, sanitised to label rules (see the GCE adapter); for humans and billing. */
  public static final String REPOSITORY = "autorunner-repository";

  /** {@code true} or {@code false}. */
  public static final String GPU = "autorunner-gpu";

  /**
   * GitHub's id of the runner handed to the VM when it asked for it at boot, recorded with the
   * label fingerprint read before (so it is recorded once). A {@code completed} delivery deletes
   * the VM only when its {@code runner_id} is this one: a runner elsewhere named like ours is not
   * ours, and a VM without this label has run nothing.
   */
  public static final String RUNNER_ID = "autorunner-runner-id";

  /**
   * Set when a retirement claims a VM that has no runner yet, with the label fingerprint it read:
   * from then on the VM is refused its runner, and a runner handed out meanwhile makes the claim
   * fail instead (its label change took the fingerprint first).
   */
  public static final String RETIRING = "autorunner-retiring";

  /**
   * The warm pool a VM belongs to: set when a pool's VM is made, or when a job's VM is adopted as a
   * pool's refill after its job started elsewhere. Its value is the pool's name.
   */
  public static final String POOL = "autorunner-pool";

  /** {@code flex-start} on a VM made with Flex-start provisioning (then {@link #SPOT} is false). */
  public static final String PROVISIONING = "autorunner-provisioning";

  /** {@code true} or {@code false}: false after the standard-provisioning fallback. */
  public static final String SPOT = "autorunner-spot";

  // The VM's shape, as inserted: what its life costs is priced from these ({@link BilledShape}).
  public static final String MACHINE_TYPE = "autorunner-machine-type";
  public static final String GPU_TYPE = "autorunner-gpu-type";
  public static final String GPU_COUNT = "autorunner-gpu-count";
  public static final String DISK_GB = "autorunner-disk-gb";
  public static final String DISK_TYPE = "autorunner-disk-type";

  /**
   * The job's workflow and its name in it, sanitised to label rules, so Cloud Billing's export
   * groups cost by repository, workflow and job ({@link #REPOSITORY} beside them). Only for people
   * and billing: nothing reads them back.
   */
  public static final String WORKFLOW = "autorunner-workflow";

  public static final String JOB_NAME = "autorunner-job";

  private MachineLabels() {}
}
