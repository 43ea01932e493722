package io.autorunner.handler.system;

import io.autorunner.common.config.MissingConfigurationException;
import io.autorunner.common.routing.RoutingProperties;
import io.autorunner.handler.github.AllowLists;
import io.autorunner.handler.github.AppInstallations;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.github.GitHubAppCredentials;
import io.autorunner.handler.github.GitHubCredentials;
import io.autorunner.handler.github.GitHubHttp;
import io.autorunner.handler.github.GitHubProperties;
import io.autorunner.handler.github.GitHubRunnerClient;
import io.autorunner.handler.github.RunnerGroupPolicy;
import io.autorunner.handler.github.RunnerGroups;
import io.autorunner.handler.github.StaticTokenCredentials;
import io.autorunner.handler.github.WebhookRedeliveries;
import io.autorunner.handler.reconcile.ReconcileProperties;
import io.autorunner.handler.vm.gce.GceProperties;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** GitHub: credentials, the one HTTP client, runners, runner groups and the App's hook. */
@Configuration(proxyBeanMethods = false)
public class GitHubConfiguration {

  private static final Logger log = LoggerFactory.getLogger(GitHubConfiguration.class);

  private static final Duration MINT_MARGIN = Duration.ofSeconds(10);

  /**
   * The App when {@code autorunner.github.app-id} is set, else the static token.
   *
   * @throws MissingConfigurationException when neither is configured, or the App has no key
   */
  @Bean
  public GitHubCredentials gitHubCredentials(GitHubProperties github, Clock clock) {
    if (github.usesApp()) {
      if (github.appPrivateKey() == null || github.appPrivateKey().isBlank()) {
        throw new MissingConfigurationException(
            "autorunner.github.app-private-key is required with autorunner.github.app-id");
      }
      try {
        return new GitHubAppCredentials(
            github.apiUrl(), github.appId(), github.appPrivateKey(), clock);
      } catch (IllegalArgumentException unusableKey) {
        throw new MissingConfigurationException(unusableKey.getMessage());
      }
    }
    if (github.token() != null && !github.token().isBlank()) {
      return new StaticTokenCredentials(github.token());
    }
    throw new MissingConfigurationException(
        "set autorunner.github.app-id and autorunner.github.app-private-key, or"
            + " autorunner.github.token");
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
  GitHubActions gitHubActions(
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
      Thread check = new Thread(() -> checkRunnerGroups(groups), "runner-group-check");
      check.setDaemon(true);
      check.start();
    };
  }

  private static void checkRunnerGroups(RunnerGroups groups) {
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
  }
}
