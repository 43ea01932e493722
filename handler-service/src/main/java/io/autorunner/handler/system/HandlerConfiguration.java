package io.autorunner.handler.system;

import io.autorunner.common.config.MissingConfigurationException;
import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.naming.NamingProperties;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.handler.auth.CallerVerifier;
import io.autorunner.handler.auth.TaskCallerFilter;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.github.AllowLists;
import io.autorunner.handler.github.AppInstallations;
import io.autorunner.handler.github.GitHubCredentials;
import io.autorunner.handler.github.GitHubHttp;
import io.autorunner.handler.github.GitHubRunnerClient;
import io.autorunner.handler.github.RunnerGroupPolicy;
import io.autorunner.handler.github.RunnerGroups;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.github.WebhookRedeliveries;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.reconcile.GitHubSweepSources;
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
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
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

  private static final Duration MINT_MARGIN = Duration.ofSeconds(10);

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
  GitHubCredentials gitHubCredentials(GitHubProperties github, Clock clock) {
    try {
      return GitHubCredentials.fromProperties(github, clock);
    } catch (IllegalArgumentException e) {
      throw new MissingConfigurationException(e.getMessage());
    }
  }

  /** One HTTP client, connection pool and ETag cache for every GitHub call of this process. */
  @Bean
  GitHubHttp gitHubHttp(GitHubProperties github) {
    return new GitHubHttp(
        github.apiUrl(),
        GitHubHttp.DEFAULT_CONNECT_TIMEOUT,
        GitHubHttp.DEFAULT_READ_TIMEOUT,
        GitHubHttp.DEFAULT_CACHE_BYTES);
  }

  @Bean
  AppInstallations appInstallations(GitHubHttp http, GitHubCredentials credentials) {
    return new AppInstallations(http, credentials);
  }

  @Bean
  RunnerGroups runnerGroups(
      GitHubHttp http,
      GitHubCredentials credentials,
      AppInstallations installations,
      GitHubProperties github,
      RoutingProperties routing,
      Clock clock) {
    AllowLists lists =
        new AllowLists(
            routing.allowedOwners(),
            routing.allowedRepositories(),
            routing.allowPublicRepositories());
    return new RunnerGroups(
        http,
        credentials,
        installations,
        new RunnerGroupPolicy(lists, github.runnerGroup(), github.manageRunnerGroup()),
        clock,
        RunnerGroups.DEFAULT_CACHE_TTL);
  }

  /**
   * A runner minted for a create is held for its insert: the operation's timeout, plus a margin for
   * the steps between the mint and the insert.
   */
  @Bean
  RunnerRegistry runnerRegistry(
      GitHubHttp http,
      GitHubCredentials credentials,
      RunnerGroups groups,
      GceProperties gce,
      ReconcileProperties reconcile,
      Clock clock) {
    Duration mintWindow = gce.operationTimeout().plus(MINT_MARGIN);
    if (reconcile.orphanRunnerGrace().compareTo(mintWindow) < 0) {
      throw new MissingConfigurationException(
          "autorunner.reconcile.orphan-runner-grace ("
              + reconcile.orphanRunnerGrace()
              + ") must be at least autorunner.gce.operation-timeout plus "
              + MINT_MARGIN.toSeconds()
              + "s ("
              + mintWindow
              + "): a runner younger than that may belong to a create still inserting its VM");
    }
    return new GitHubRunnerClient(http, credentials, groups, clock, mintWindow);
  }

  @Bean
  WebhookRedeliveries webhookRedeliveries(
      GitHubHttp http, GitHubCredentials credentials, Clock clock) {
    return new WebhookRedeliveries(
        http, credentials, clock, WebhookRedeliveries.DEFAULT_MAX_PER_CALL);
  }

  /**
   * Logs, off the start-up path, whether each organisation's runner group admits only the lists.
   */
  @Bean
  ApplicationRunner runnerGroupCheckAtStart(RunnerGroups groups) {
    return args -> {
      Thread check =
          new Thread(
              () -> {
                try {
                  groups
                      .checkAllowedOwners()
                      .forEach(
                          result -> {
                            if (result.usable()) {
                              log.info("runner group: {}", result);
                            } else {
                              log.error("runner group: {}", result);
                            }
                          });
                } catch (RuntimeException e) {
                  log.warn("runner groups could not be checked at start: {}", e.toString());
                }
              },
              "runner-group-check");
      check.setDaemon(true);
      check.start();
    };
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
  LifecycleCounters lifecycleCounters() {
    return new LifecycleCounters();
  }

  @Bean
  SweepSources sweepSources(
      AppInstallations installations,
      WebhookRedeliveries redeliveries,
      RunnerGroups groups,
      ReconcileProperties reconcile,
      RoutingProperties routing) {
    return new GitHubSweepSources(
        installations,
        redeliveries,
        groups,
        routing.rules(),
        reconcile.repositories(),
        reconcile.redeliverWindow());
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
        limits.settleWindow(),
        sources,
        clock);
  }
}
