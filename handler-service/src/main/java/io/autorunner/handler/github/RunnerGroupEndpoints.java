package io.autorunner.handler.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpMethod;

/**
 * GitHub's endpoints for an organisation's runner groups, as {@link RunnerGroups} needs them. Reads
 * are conditional GETs: a sweep verifying an unchanged group costs no rate limit.
 */
final class RunnerGroupEndpoints {

  private static final int MAX_PAGES = 20;
  private static final int NOT_FOUND = 404;
  private static final int PAGE = GitHubHttp.PAGE_SIZE;

  private final GitHubHttp http;

  RunnerGroupEndpoints(GitHubHttp http) {
    this.http = http;
  }

  /** A runner group as listed; {@code allowsPublic} includes a public flag it inherits. */
  record Group(long id, String name, String visibility, boolean allowsPublic) {}

  /** The organisation's group of this name (case-insensitive), if any. */
  Optional<Group> find(String organization, String token, String name) {
    return http
        .pages(
            "list the runner groups of " + organization,
            token,
            "",
            page ->
                http.uri(
                    "/orgs/{org}/actions/runner-groups?per_page={size}&page={page}",
                    organization,
                    PAGE,
                    page),
            answer -> answer.as(GroupPage.class).runnerGroups(),
            MAX_PAGES)
        .stream()
        .filter(group -> name.equalsIgnoreCase(group.name()))
        .map(GroupJson::toGroup)
        .findFirst();
  }

  /** What the group admits: its visibility, its repositories when selected, its public flag. */
  GroupAccess accessOf(String organization, String token, Group group) {
    Map<Long, String> selected = new LinkedHashMap<>();
    if (GroupAccess.SELECTED.equalsIgnoreCase(group.visibility())) {
      http.pages(
              "list the repositories of runner group " + group.id() + " of " + organization,
              token,
              "",
              page ->
                  http.uri(
                      "/orgs/{org}/actions/runner-groups/{id}/repositories"
                          + "?per_page={size}&page={page}",
                      organization,
                      group.id(),
                      PAGE,
                      page),
              answer -> answer.as(RepositoryPage.class).repositories(),
              MAX_PAGES)
          .forEach(repository -> selected.put(repository.id(), repository.fullName()));
    }
    return new GroupAccess(group.visibility(), selected, group.allowsPublic());
  }

  /**
   * The ids of {@code repositories} ({@code owner/name}); names GitHub does not know go to {@code
   * notFound}.
   */
  Map<Long, String> repositoryIds(String token, List<String> repositories, List<String> notFound) {
    Map<Long, String> ids = new LinkedHashMap<>();
    for (String repository : repositories) {
      int slash = repository.indexOf('/');
      GitHubHttp.Answer answer =
          http.getConditional(
              "get repository " + repository,
              token,
              http.uri(
                  "/repos/{owner}/{repo}",
                  repository.substring(0, slash),
                  repository.substring(slash + 1)),
              "",
              NOT_FOUND);
      if (answer.status() == NOT_FOUND) {
        notFound.add(repository);
      } else {
        RepositoryJson found = answer.as(RepositoryJson.class);
        ids.put(found.id(), found.fullName());
      }
    }
    return ids;
  }

  /** What kind of account GitHub knows the login as; empty when it knows no such account. */
  Optional<AccountKind> accountKind(String token, String login) {
    GitHubHttp.Answer answer =
        http.getConditional(
            "get account " + login, token, http.uri("/users/{login}", login), "", NOT_FOUND);
    if (answer.status() == NOT_FOUND) {
      return Optional.empty();
    }
    return Optional.of(AccountKind.ofType(answer.as(AccountJson.class).type()));
  }

  /** Creates the group admitting {@code access}; returns its id. */
  long create(String organization, String token, String name, GroupAccess access) {
    return http.send(
            HttpMethod.POST,
            "create runner group '" + name + "' in " + organization,
            token,
            http.uri("/orgs/{org}/actions/runner-groups", organization),
            new CreateRequest(
                name,
                access.visibility(),
                access.selectsRepositories() ? List.copyOf(access.selected().keySet()) : null,
                access.allowsPublic()))
        .as(GroupJson.class)
        .id();
  }

  /**
   * Makes the group admit {@code wanted} in steps that never admit more than before or after:
   * visibility and the public flag (only ever switched off here) first, then the exact
   * repositories, and last, when the lists allow public repositories, the public flag on.
   */
  void narrow(
      String organization, String token, Group group, GroupAccess actual, GroupAccess wanted) {
    String action = "narrow runner group " + group.id() + " of " + organization;
    boolean visibilityChanges = !actual.visibility().equals(wanted.visibility());
    if (visibilityChanges || (actual.allowsPublic() && !wanted.allowsPublic())) {
      update(
          action,
          token,
          organization,
          group,
          new UpdateRequest(
              group.name(), wanted.visibility(), actual.allowsPublic() && wanted.allowsPublic()));
    }
    if (wanted.selectsRepositories()
        && (visibilityChanges || !actual.selected().keySet().equals(wanted.selected().keySet()))) {
      http.send(
          HttpMethod.PUT,
          action,
          token,
          http.uri("/orgs/{org}/actions/runner-groups/{id}/repositories", organization, group.id()),
          new RepositoriesRequest(List.copyOf(wanted.selected().keySet())));
    }
    if (!actual.allowsPublic() && wanted.allowsPublic()) {
      update(action, token, organization, group, new UpdateRequest(group.name(), null, true));
    }
  }

  private void update(
      String action, String token, String organization, Group group, UpdateRequest body) {
    http.send(
        HttpMethod.PATCH,
        action,
        token,
        http.uri("/orgs/{org}/actions/runner-groups/{id}", organization, group.id()),
        body);
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  private record CreateRequest(
      String name,
      String visibility,
      @JsonProperty("selected_repository_ids") List<Long> selectedRepositoryIds,
      @JsonProperty("allows_public_repositories") boolean allowsPublicRepositories) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  private record UpdateRequest(
      String name,
      String visibility,
      @JsonProperty("allows_public_repositories") Boolean allowsPublicRepositories) {}

  private record RepositoriesRequest(
      @JsonProperty("selected_repository_ids") List<Long> selectedRepositoryIds) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record GroupPage(@JsonProperty("runner_groups") List<GroupJson> runnerGroups) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record GroupJson(
      long id,
      String name,
      String visibility,
      @JsonProperty("allows_public_repositories") boolean allowsPublicRepositories,
      @JsonProperty("inherited_allows_public_repositories") Boolean inheritedAllowsPublic) {
    Group toGroup() {
      // An enterprise's group shared with the organisation may admit public repositories through
      // the enterprise's setting: count that too.
      return new Group(
          id,
          name,
          visibility,
          allowsPublicRepositories || Boolean.TRUE.equals(inheritedAllowsPublic));
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RepositoryPage(List<RepositoryJson> repositories) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RepositoryJson(long id, @JsonProperty("full_name") String fullName) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record AccountJson(String type) {}
}
