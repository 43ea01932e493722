package io.autorunner.handler.vm;

import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import java.util.Objects;

/**
 * A VM to create: its name, what the job asked for, whose job it is, where it asks for its runner
 * at boot, and the rendered startup script. Nothing here is secret: the VM gets its single-use
 * runner config from the handler once it proves who it is, never through its metadata.
 */
public record MachineRequest(
    String name, RunnerSpec spec, JobRef job, HandoutAddress handout, String startupScript) {
  public MachineRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(handout, "handout");
    Objects.requireNonNull(startupScript, "startupScript");
  }

  @Override
  public String toString() {
    return "MachineRequest[name=" + name + ", spec=" + spec + ", job=" + job + "]";
  }
}
