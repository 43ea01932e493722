package io.autorunner.handler.system;

import io.autorunner.common.config.MissingConfigurationException;
import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.naming.NamingProperties;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.handler.auth.CallerVerifier;
import io.autorunner.handler.auth.TaskCallerFilter;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.github.GitHubCredentials;
import io.autorunner.handler.github.GitHubRunnerClient;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.ledger.InMemoryReplacementLedger;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.reconcile.ConfiguredSweepSources;
import io.autorunner.handler.reconcile.PeriodicReconcile;
import io.autorunner.handler.reconcile.Reconciler;
import io.autorunner.handler.reconcile.SweepSources;
import io.autorunner.handler.task.LifecycleCounters;
import io.autorunner.handler.task.RunnerLifecycle;
import io.autorunner.handler.vm.RunnerMachines;
import io.autorunner.handler.vm.dryrun.DryRunMachines;
import io.autorunner.handler.vm.gce.ComputeEngineMachines;
import io.autorunner.handler.vm.gce.InstanceFactory;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The handler's wiring. Adapters are chosen in bean methods on the configured mode, not by
 * conditions, so a build-time AOT-processed image still switches at run time.
 */
@Configuration(proxyBeanMethods = false)
class HandlerConfiguration {

  private static final Logger log = LoggerFactory.getLogger(HandlerConfiguration.class);

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  FilterRegistrationBean<TaskCallerFilter> taskCallerFilter(
      HandlerProperties handler, Clock clock) {
    FilterRegistrationBean<TaskCallerFilter> registration =
        new FilterRegistrationBean<>(
            new TaskCallerFilter(CallerVerifier.forProperties(handler, clock)));
    registration.addUrlPatterns("/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  RunnerRegistry runnerRegistry(GitHubProperties github, Clock clock) {
    GitHubCredentials credentials;
    try {
      credentials = GitHubCredentials.fromProperties(github, clock);
    } catch (IllegalArgumentException e) {
      throw new MissingConfigurationException(e.getMessage());
    }
    return new GitHubRunnerClient(github, credentials);
  }

  @Bean
  InstanceFactory instanceFactory(GceProperties gce, PolicyProperties policy) {
    return new InstanceFactory(gce, policy);
  }

  @Bean
  RunnerMachines runnerMachines(
      ComputeProperties compute, GceProperties gce, InstanceFactory factory) {
    return switch (compute.mode()) {
      case GCE -> {
        if (gce.project() == null || gce.project().isBlank()) {
          throw new MissingConfigurationException(
              "autorunner.gce.project is required with autorunner.compute.mode=gce");
        }
        try {
          log.info("VMs are created in project {} zones {}", gce.project(), gce.zones());
          yield new ComputeEngineMachines(
              gce,
              factory,
              ComputeEngineMachines.createClient(gce),
              ComputeEngineMachines.createOperationsClient(gce),
              gce.operationTimeout());
        } catch (IOException e) {
          throw new IllegalStateException("cannot create the Compute Engine client", e);
        }
      }
      case DRY_RUN -> {
        log.warn(
            "DRY-RUN: autorunner.compute.mode=dry-run creates no VM; instances are written to {}",
            compute.dryRunDir());
        yield new DryRunMachines(compute.dryRunDir(), factory, gce);
      }
    };
  }

  @Bean
  StartupScripts startupScripts(GitHubProperties github) {
    return new StartupScripts(github);
  }

  /** Only where something must call the reconciler in-process; see {@link PeriodicReconcile}. */
  @Bean
  PeriodicReconcile periodicReconcile(Reconciler reconciler, ReconcileProperties reconcile) {
    return new PeriodicReconcile(reconciler, reconcile.every());
  }

  @Bean
  RunnerLifecycle runnerLifecycle(
      PolicyProperties policy,
      RoutingProperties routing,
      RunnerMachines machines,
      RunnerRegistry github,
      StartupScripts scripts,
      LimitsProperties limits,
      PreemptionProperties preemption,
      LifecycleCounters counters,
      ReplacementLedger ledger) {
    return new RunnerLifecycle(
        new LabelPolicy(policy),
        routing.rules(),
        machines,
        github,
        scripts,
        limits.maxInstances(),
        preemption,
        counters,
        ledger);
  }

  @Bean
  ReplacementLedger replacementLedger() {
    return new InMemoryReplacementLedger();
  }

  @Bean
  LifecycleCounters lifecycleCounters() {
    return new LifecycleCounters();
  }

  @Bean
  SweepSources sweepSources(ReconcileProperties reconcile, RoutingProperties routing) {
    return new ConfiguredSweepSources(reconcile.repositories(), routing.allowedRepositories());
  }

  @Bean
  Reconciler reconciler(
      RunnerMachines machines,
      RunnerRegistry github,
      RunnerLifecycle lifecycle,
      ReplacementLedger ledger,
      NamingProperties naming,
      ReconcileProperties reconcile,
      LimitsProperties limits,
      SweepSources sources,
      Clock clock) {
    return new Reconciler(
        machines,
        github,
        lifecycle,
        ledger,
        new InstanceNaming(naming.prefix()),
        reconcile,
        limits.maxInstances(),
        sources,
        clock);
  }
}
