package io.autorunner.handler.vm;

import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import java.util.Objects;
import java.util.Optional;

/**
 * A VM to create: its name, what the job asked for, whose job it is (or which warm pool it joins),
 * where it asks for its runner at boot, and the rendered startup script. Nothing here is secret:
 * the VM gets its single-use runner config from the handler once it proves who it is, never through
 * its metadata.
 *
 * @param job the job the VM is made for; empty for a pool's VM
 * @param pool the pool the VM is made for; empty for a job's VM
 * @param workflow the name of the job's workflow as GitHub reported it, null when unknown (or for a
 *     pool's VM); a label for billing, never read back
 * @param jobName the job's name in its workflow, likewise
 */
public record MachineRequest(
    String name,
    RunnerSpec spec,
    Optional<JobRef> job,
    Optional<PoolMember> pool,
    HandoutAddress handout,
    String startupScript,
    String workflow,
    String jobName) {

  /** A pool VM: the pool's name and where its runner registers. */
  public record PoolMember(String pool, PoolScope scope) {
    public PoolMember {
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(scope, "scope");
    }
  }

  public MachineRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(handout, "handout");
    Objects.requireNonNull(startupScript, "startupScript");
    if (job.isPresent() == pool.isPresent()) {
      throw new IllegalArgumentException("a VM is made for a job or for a pool");
    }
  }

  /** A job's VM whose workflow and job name are not known. */
  public MachineRequest(
      String name, RunnerSpec spec, JobRef job, HandoutAddress handout, String startupScript) {
    this(name, spec, job, handout, startupScript, null, null);
  }

  /** A job's VM. */
  public MachineRequest(
      String name,
      RunnerSpec spec,
      JobRef job,
      HandoutAddress handout,
      String startupScript,
      String workflow,
      String jobName) {
    this(name, spec, Optional.of(job), Optional.empty(), handout, startupScript, workflow, jobName);
  }

  /** A pool's VM. */
  public static MachineRequest forPool(
      String name, RunnerSpec spec, PoolMember pool, HandoutAddress handout, String startupScript) {
    return new MachineRequest(
        name, spec, Optional.empty(), Optional.of(pool), handout, startupScript, null, null);
  }

  /** The repository the VM's runner serves, for humans and billing labels. */
  public String repositoryLabel() {
    return job.map(JobRef::repository).orElseGet(() -> pool.orElseThrow().scope().repository());
  }

  @Override
  public String toString() {
    return "MachineRequest[name="
        + name
        + ", spec="
        + spec
        + ", "
        + job.map(j -> "job=" + j).orElseGet(() -> "pool=" + pool.orElseThrow().pool())
        + "]";
  }
}
