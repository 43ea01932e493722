package io.autorunner.handler.vm;

import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import java.util.Objects;

/**
 * A VM to create: its name, what the job asked for, whose job it is, and the rendered startup
 * script (which holds the single-use JIT runner config: a secret, never logged).
 *
 * @param runnerId GitHub's id of the runner registered for this VM; the VM carries it, so that a
 *     {@code completed} delivery deletes the VM only when it names this very runner
 */
public record MachineRequest(
    String name, RunnerSpec spec, JobRef job, long runnerId, String startupScript) {
  public MachineRequest {
    Objects.requireNonNull(name, "name");
    if (runnerId <= 0) {
      throw new IllegalArgumentException("runner id must be positive");
    }
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(startupScript, "startupScript");
  }

  @Override
  public String toString() {
    return "MachineRequest[name="
        + name
        + ", spec="
        + spec
        + ", job="
        + job
        + ", runnerId="
        + runnerId
        + ", script=<secret>]";
  }
}
