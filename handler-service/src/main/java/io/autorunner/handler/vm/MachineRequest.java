package io.autorunner.handler.vm;

import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import java.util.Objects;

/**
 * A VM to create: its name, what the job asked for, whose job it is, and the rendered startup
 * script (which holds the single-use JIT runner config: a secret, never logged).
 */
public record MachineRequest(String name, RunnerSpec spec, JobRef job, String startupScript) {
  public MachineRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(startupScript, "startupScript");
  }

  @Override
  public String toString() {
    return "MachineRequest[name=" + name + ", spec=" + spec + ", job=" + job + ", script=<secret>]";
  }
}
