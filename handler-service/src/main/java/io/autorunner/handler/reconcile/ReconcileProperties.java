package io.autorunner.handler.reconcile;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.reconcile.*}: the safety net's windows and bounds.
 *
 * @param bootTimeout a VM whose runner is not online by then never will be; it is reaped
 * @param maxLifetime no VM lives longer, whatever its runner does (GCE's max-run-duration is the
 *     hard cap; this catches VMs made without one)
 * @param orphanRunnerGrace a runner of ours with no VM is removed once seen so this long (its VM
 *     may be seconds away from being inserted)
 * @param queuedGrace a job still queued this long with no VM for it gets one
 * @param maxReplacementsPerJob VMs the reconciler makes for one job at most, so a broken job cannot
 *     make VMs without end
 * @param maxCreatesPerRun VMs one reconcile run makes at most
 * @param repositories {@code owner/name} of repositories always swept for unserved jobs, beside
 *     those seen in recent tasks and on running VMs
 * @param redeliverWindow failed {@code workflow_job} deliveries of the App's webhook this recent
 *     are redelivered by each sweep (GitHub keeps the log for three days; the sweep runs every few
 *     minutes, so an hour leaves room for an outage without paging through days of deliveries)
 * @param every run the reconciler on a timer inside the handler (where no Cloud Scheduler calls
 *     {@code /tasks/reconcile}); empty: off
 */
@Validated
@ConfigurationProperties("autorunner.reconcile")
public record ReconcileProperties(
    @DefaultValue("10m") Duration bootTimeout,
    @DefaultValue("7h") Duration maxLifetime,
    @DefaultValue("10m") Duration orphanRunnerGrace,
    @DefaultValue("5m") Duration queuedGrace,
    @DefaultValue("2") @Min(0) @Max(10) int maxReplacementsPerJob,
    @DefaultValue("5") @Min(0) @Max(100) int maxCreatesPerRun,
    List<String> repositories,
    @DefaultValue("1h") Duration redeliverWindow,
    Duration every) {

  public ReconcileProperties {
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
  }
}
