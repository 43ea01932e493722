package io.autorunner.common.routing;

import io.autorunner.common.event.UntrustedText;
import io.autorunner.common.event.WorkflowJobEvent;
import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.policy.BindingLabel;
import io.autorunner.common.policy.LabelDecision;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides what a {@code workflow_job} delivery means. Pure: the same event and rules always give
 * the same route, which is what makes redeliveries harmless.
 */
public final class WorkflowJobRouter {

  private final RoutingRules rules;
  private final LabelPolicy policy;
  private final InstanceNaming naming;

  public WorkflowJobRouter(RoutingRules rules, LabelPolicy policy, InstanceNaming naming) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.naming = Objects.requireNonNull(naming, "naming");
  }

  public Route route(WorkflowJobEvent event) {
    WorkflowJobEvent.WorkflowJob job = event.workflowJob();
    return switch (event.jobAction()) {
      case QUEUED -> queued(event);
      case COMPLETED -> job.hasRunner() ? completedOnRunner(event) : cancelledBeforePickup(event);
      case IN_PROGRESS -> inProgress(event);
      case WAITING, OTHER ->
          Route.ignored(
              "action '"
                  + UntrustedText.printable(event.action())
                  + "' needs nothing from autorunner");
    };
  }

  private Route queued(WorkflowJobEvent event) {
    Optional<Route> notOurs = notForUs(event);
    if (notOurs.isPresent()) {
      return notOurs.get();
    }
    LabelDecision decision = policy.resolve(event.workflowJob().labels());
    if (decision instanceof LabelDecision.Refused refused) {
      return Route.refused(refused.reason());
    }
    RunnerSpec spec = ((LabelDecision.Accepted) decision).spec();
    String name = instanceName(event, spec.os());
    return Route.enqueue(
        new RunnerTask.CreateRunner(jobRef(event), event.workflowJob().labels(), name),
        "job " + event.workflowJob().id() + " gets VM " + name + unbound(spec));
  }

  /**
   * GitHub gives a queued job any idle runner whose labels include the job's: a job with no label
   * of its own may take the runner made for a job of another shape (a CPU job the GPU job's), and
   * that job then waits for a second VM. The person reading the delivery is told.
   */
  private static String unbound(RunnerSpec spec) {
    return spec.binding().isPresent()
        ? ""
        : "; no "
            + BindingLabel.KEY
            + "= label: this job may take the runner of another job whose labels include its own";
  }

  /**
   * A job that ran on one of our runners is done: its VM goes, whatever its labels, since a job
   * with a subset of our labels (say only {@code self-hosted}) can land on our runner too.
   */
  private Route completedOnRunner(WorkflowJobEvent event) {
    WorkflowJobEvent.WorkflowJob job = event.workflowJob();
    if (!naming.isOurs(job.runnerName())) {
      return Route.ignored(
          "runner '" + UntrustedText.printable(job.runnerName()) + "' is not one of ours");
    }
    return Route.enqueue(
        new RunnerTask.DeleteRunner(
            jobRef(event), job.runnerName(), job.runnerId(), job.conclusion()),
        "job " + job.id() + " completed on " + job.runnerName());
  }

  /**
   * GitHub gives a queued job to any idle runner with its labels: a job starting on our runner made
   * for another job leaves that job waiting with no VM. The handler checks and replaces.
   */
  private Route inProgress(WorkflowJobEvent event) {
    WorkflowJobEvent.WorkflowJob job = event.workflowJob();
    if (!job.hasRunner() || !naming.isOurs(job.runnerName())) {
      return Route.ignored("in_progress on a runner that is not ours");
    }
    String own = naming.instanceName(job.id(), job.runAttempt(), OperatingSystem.LINUX);
    String ownWindows = naming.instanceName(job.id(), job.runAttempt(), OperatingSystem.WINDOWS);
    if (job.runnerName().equals(own)
        || job.runnerName().startsWith(own + "-r")
        || job.runnerName().equals(ownWindows)) {
      return Route.started("job " + job.id() + " runs on its own runner");
    }
    return Route.enqueue(
        new RunnerTask.CheckRunner(jobRef(event), job.runnerName(), job.runnerId()),
        "job " + job.id() + " took runner " + job.runnerName() + ", made for another job");
  }

  /** Cancelled while queued: the VM made for it may now serve nobody. */
  private Route cancelledBeforePickup(WorkflowJobEvent event) {
    Optional<Route> notOurs = notForUs(event);
    if (notOurs.isPresent()) {
      return notOurs.get();
    }
    String name = instanceName(event, OperatingSystem.of(event.workflowJob().labels()));
    return Route.enqueue(
        new RunnerTask.ReleaseRunner(jobRef(event), event.workflowJob().labels(), name),
        "job " + event.workflowJob().id() + " ended before any runner took it; release " + name);
  }

  /**
   * The trigger and allow-list checks: the route that ignores the job, or empty when it is ours.
   */
  private Optional<Route> notForUs(WorkflowJobEvent event) {
    if (!rules.triggeredBy(event.workflowJob().labels())) {
      return Optional.of(Route.ignored("labels lack the trigger labels " + rules.triggerLabels()));
    }
    WorkflowJobEvent.Repository repo = event.repository();
    if (!rules.allows(repo.ownerLogin(), repo.fullName())) {
      return Optional.of(
          Route.ignored(
              "repository "
                  + UntrustedText.printable(repo.fullName())
                  + " is outside the allowed owners and repositories"));
    }
    if (!repo.isPrivate() && !rules.allowPublicRepositories()) {
      return Optional.of(
          Route.ignored(
              "repository "
                  + UntrustedText.printable(repo.fullName())
                  + " is public and public repositories are not allowed"));
    }
    return Optional.empty();
  }

  private String instanceName(WorkflowJobEvent event, OperatingSystem os) {
    return naming.instanceName(event.workflowJob().id(), event.workflowJob().runAttempt(), os);
  }

  private static JobRef jobRef(WorkflowJobEvent event) {
    WorkflowJobEvent.WorkflowJob job = event.workflowJob();
    return new JobRef(
        job.id(),
        job.runId(),
        job.runAttempt(),
        event.repository().fullName(),
        event.organizationLogin().orElse(null),
        event.installationId().orElse(null));
  }
}
