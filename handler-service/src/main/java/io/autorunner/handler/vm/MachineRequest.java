package io.autorunner.handler.vm;

import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import java.util.Objects;

/**
 * A VM to create: its name, what the job asked for, whose job it is, where it asks for its runner
 * at boot, and the rendered startup script. Nothing here is secret: the VM gets its single-use
 * runner config from the handler once it proves who it is, never through its metadata.
 *
 * @param workflow the name of the job's workflow as GitHub reported it, null when unknown; a label
 *     for billing, never read back
 * @param jobName the job's name in its workflow, likewise
 */
public record MachineRequest(
    String name,
    RunnerSpec spec,
    JobRef job,
    HandoutAddress handout,
    String startupScript,
    String workflow,
    String jobName) {
  public MachineRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(handout, "handout");
    Objects.requireNonNull(startupScript, "startupScript");
  }

  /** A VM whose job's workflow and name are not known. */
  public MachineRequest(
      String name, RunnerSpec spec, JobRef job, HandoutAddress handout, String startupScript) {
    this(name, spec, job, handout, startupScript, null, null);
  }

  @Override
  public String toString() {
    return "MachineRequest[name=" + name + ", spec=" + spec + ", job=" + job + "]";
  }
}
