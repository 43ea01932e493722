package io.autorunner.handler.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The GitHub App's installations and every repository they can reach, read from GitHub each time so
 * that any handler instance, fresh or restarted, can sweep all of them without remembering a single
 * webhook. Listings are conditional GETs: an unchanged page answers {@code 304}, which GitHub does
 * not charge to the rate limit. With a static token there is no App: nothing to list.
 */
public final class AppInstallations {

  // 50 pages of 100 are 5,000 installations or repositories per installation.
  private static final int MAX_PAGES = 50;
  private static final int PAGE = GitHubHttp.PAGE_SIZE;

  private final GitHubHttp http;
  private final GitHubCredentials credentials;

  /**
   * @param http the process's GitHub HTTP client, shared with the other GitHub clients
   * @param credentials App credentials, or a static token (then every listing is empty)
   */
  public AppInstallations(GitHubHttp http, GitHubCredentials credentials) {
    this.http = Objects.requireNonNull(http, "http");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
  }

  /**
   * One installation of the App.
   *
   * @param account the login of the organisation or user that installed it
   * @param organization true when that account is an organisation
   * @param suspended true when suspended: GitHub then refuses its tokens
   */
  public record Installation(long id, String account, boolean organization, boolean suspended) {}

  /**
   * Every repository an installation could list, and what went wrong with the others.
   *
   * @param failures one per installation that could not be listed (its token or its listing), typed
   *     by {@link GitHubErrors}: the other installations' repositories are still here
   */
  public record RepositoryListing(
      List<AccessibleRepository> repositories, List<GitHubException> failures) {
    public RepositoryListing {
      repositories = List.copyOf(repositories);
      failures = List.copyOf(failures);
    }
  }

  /**
   * Every installation of the App ({@code GET /app/installations} with the App's JWT); empty with a
   * static token.
   *
   * @throws GitHubException typed by {@link GitHubErrors}
   */
  public List<Installation> installations() {
    if (credentials.app().isEmpty()) {
      return List.of();
    }
    GitHubApp app = credentials.app().get();
    return http
        .pages(
            "list the App's installations",
            app.jwt(),
            "",
            page -> http.uri("/app/installations?per_page={size}&page={page}", PAGE, page),
            answer -> Arrays.asList(answer.as(InstallationJson[].class)),
            MAX_PAGES)
        .stream()
        .map(InstallationJson::toInstallation)
        .toList();
  }

  /**
   * Every repository of every installation that is not suspended ({@code GET
   * /installation/repositories} with each installation's token); empty with a static token.
   *
   * @throws GitHubException when the installations themselves cannot be listed
   */
  public RepositoryListing accessibleRepositories() {
    List<AccessibleRepository> repositories = new ArrayList<>();
    List<GitHubException> failures = new ArrayList<>();
    for (Installation installation : installations()) {
      if (installation.suspended()) {
        continue;
      }
      try {
        repositories.addAll(repositoriesOf(installation));
      } catch (GitHubException e) {
        failures.add(e);
      }
    }
    return new RepositoryListing(repositories, failures);
  }

  private List<AccessibleRepository> repositoriesOf(Installation installation) {
    String token = credentials.app().orElseThrow().installationToken(installation.id());
    return http
        .pages(
            "list the repositories of installation " + installation.id(),
            token,
            // The same URL lists another installation's repositories with another token.
            "installation:" + installation.id(),
            page -> http.uri("/installation/repositories?per_page={size}&page={page}", PAGE, page),
            answer -> answer.as(RepositoryPage.class).repositories(),
            MAX_PAGES)
        .stream()
        .map(repository -> repository.toRepository(installation.id()))
        .toList();
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record AccountJson(String login, String type) {
    boolean organization() {
      return AccountKind.ofType(type) == AccountKind.ORGANIZATION;
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record InstallationJson(
      long id, AccountJson account, @JsonProperty("suspended_at") String suspendedAt) {
    Installation toInstallation() {
      return new Installation(
          id,
          account == null ? "" : account.login(),
          account != null && account.organization(),
          suspendedAt != null);
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RepositoryPage(List<RepositoryJson> repositories) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RepositoryJson(
      @JsonProperty("full_name") String fullName,
      @JsonProperty("private") boolean isPrivate,
      AccountJson owner) {
    AccessibleRepository toRepository(long installationId) {
      String organization = owner != null && owner.organization() ? owner.login() : null;
      return new AccessibleRepository(fullName, organization, installationId, isPrivate);
    }
  }
}
