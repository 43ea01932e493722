package io.autorunner.handler.github;

import io.autorunner.common.task.RepositoryScope;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;

/**
 * GitHub's runner endpoints: mint a JIT runner (clearing a stale one of the same name), find, list
 * and delete runners. Calls go to the job's organisation when it has one, else to its repository.
 */
final class GitHubRunners {

  private static final Logger log = LoggerFactory.getLogger(GitHubRunners.class);
  private static final int PAGE_SIZE = GitHubHttp.PAGE_SIZE;
  // A guard against a server that never stops paging; 100 pages are 10,000 runners.
  private static final int MAX_PAGES = 100;
  private static final String WORK_FOLDER = "_work";
  private static final int CONFLICT = 409;
  private static final int NOT_FOUND = 404;

  private final GitHubHttp http;
  private final JobUris uris;
  private final GitHubCredentials credentials;
  private final RunnerGroupSource groups;
  private final Clock clock;
  private final Duration mintWindow;

  /** The parameters are those of {@link GitHubRunnerClient}. */
  GitHubRunners(
      GitHubHttp http,
      GitHubCredentials credentials,
      RunnerGroupSource groups,
      Clock clock,
      Duration mintWindow) {
    this.http = Objects.requireNonNull(http, "http");
    this.uris = new JobUris(http);
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.groups = Objects.requireNonNull(groups, "groups");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.mintWindow = Objects.requireNonNull(mintWindow, "mintWindow");
    if (mintWindow.isNegative()) {
      throw new IllegalArgumentException("the mint window must not be negative");
    }
  }

  /** See {@link RunnerRegistry#createJitRunner(RepositoryScope, String, List)}. */
  JitRunner createJitRunner(RepositoryScope scope, String runnerName, List<String> labels) {
    Objects.requireNonNull(runnerName, "runnerName");
    if (labels == null || labels.isEmpty()) {
      // GitHub requires 1 to 100 labels; an empty list is a caller bug, not a GitHub failure.
      throw new IllegalArgumentException("a JIT runner needs at least one label");
    }
    long groupId = groups.groupFor(scope);
    List<String> withMinted = new ArrayList<>(labels);
    withMinted.add(MintedLabel.of(clock.instant()));
    JitConfigRequest request = new JitConfigRequest(runnerName, groupId, withMinted, WORK_FOLDER);
    Optional<JitRunner> minted = generateJitConfig(scope, request);
    if (minted.isPresent()) {
      return minted.get();
    }
    // An earlier attempt registered this name: one that failed (VM insert, crash, timeout), or
    // one running right now on another handler instance.
    removeStaleRunner(scope, runnerName);
    return generateJitConfig(scope, request)
        .orElseThrow(
            () ->
                new GitHubException.Transient(
                    "runner name " + runnerName + " still taken after removing the stale runner",
                    null));
  }

  /** The JIT runner, or empty on a 409 (the name is registered already). */
  private Optional<JitRunner> generateJitConfig(RepositoryScope scope, JitConfigRequest request) {
    String action = "generate a JIT config for runner " + request.name();
    GitHubHttp.Answer answer =
        http.send(
            HttpMethod.POST,
            action,
            credentials.token(scope),
            uris.runners(scope, "/actions/runners/generate-jitconfig"),
            request,
            CONFLICT);
    if (answer.status() == CONFLICT) {
      return Optional.empty();
    }
    JitConfigJson response = answer.as(JitConfigJson.class);
    if (response.runner() == null || response.encodedJitConfig() == null) {
      throw new GitHubException.Transient(action + ": GitHub answered without a JIT config", null);
    }
    return Optional.of(
        new JitRunner(
            response.runner().id(), response.runner().name(), response.encodedJitConfig()));
  }

  /**
   * Deletes the idle runner holding {@code runnerName}, unless it is busy (permanent) or young
   * enough that another attempt may still be booting with it (transient: retry later).
   */
  private void removeStaleRunner(RepositoryScope scope, String runnerName) {
    Optional<GitHubRunner> stale = findRunner(scope, runnerName);
    if (stale.isEmpty()) {
      log.info("Runner name {} was taken but is free now; retrying", runnerName);
      return;
    }
    GitHubRunner runner = stale.get();
    if (runner.busy()) {
      throw new GitHubException.Permanent(
          "runner name " + runnerName + " is held by busy runner " + runner.id(), null);
    }
    // A runner without the minted label predates it: old by definition.
    Optional<Duration> age = runner.mintedAt().map(at -> Duration.between(at, clock.instant()));
    if (age.isPresent() && age.get().compareTo(mintWindow) <= 0) {
      throw new GitHubException.Transient(
          "runner name "
              + runnerName
              + " is held by another attempt, minted "
              + Math.max(0, age.get().toSeconds())
              + "s ago; retry later",
          null);
    }
    log.info(
        "Removing idle runner {} (id {}, {}) left by an earlier attempt",
        runnerName,
        runner.id(),
        runner.status());
    deleteRunner(scope, runner.id());
  }

  /** See {@link RunnerRegistry#findRunner(RepositoryScope, String)}. */
  Optional<GitHubRunner> findRunner(RepositoryScope scope, String runnerName) {
    RunnerJson.Page page =
        http.get(
                "find runner " + runnerName,
                credentials.token(scope),
                uris.runners(scope, "/actions/runners?name={name}", runnerName))
            .as(RunnerJson.Page.class);
    return page.runnersOrNone().stream()
        .filter(runner -> runnerName.equalsIgnoreCase(runner.name()))
        .map(RunnerJson::toRunner)
        .findFirst();
  }

  /** See {@link RunnerRegistry#listRunners(RepositoryScope)}. */
  List<GitHubRunner> listRunners(RepositoryScope scope) {
    List<GitHubRunner> runners = new ArrayList<>();
    for (int page = 1; page <= MAX_PAGES; page++) {
      RunnerJson.Page body =
          http.get(
                  "list runners (page " + page + ")",
                  credentials.token(scope),
                  uris.runners(
                      scope, "/actions/runners?per_page={size}&page={page}", PAGE_SIZE, page))
              .as(RunnerJson.Page.class);
      List<RunnerJson> found = body.runnersOrNone();
      found.forEach(runner -> runners.add(runner.toRunner()));
      boolean lastPage =
          found.size() < PAGE_SIZE
              || (body.totalCount() != null && runners.size() >= body.totalCount());
      if (lastPage) {
        return List.copyOf(runners);
      }
    }
    log.warn("Stopped listing runners after {} pages", MAX_PAGES);
    return List.copyOf(runners);
  }

  /** See {@link RunnerRegistry#deleteRunner(RepositoryScope, long)}. */
  boolean deleteRunner(RepositoryScope scope, long runnerId) {
    GitHubHttp.Answer answer =
        http.send(
            HttpMethod.DELETE,
            "delete runner " + runnerId,
            credentials.token(scope),
            uris.runners(scope, "/actions/runners/{id}", runnerId),
            null,
            NOT_FOUND);
    return answer.status() != NOT_FOUND;
  }
}
