package io.autorunner.handler.github;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One verification of an organisation's runner group against the allow-lists, asked of GitHub
 * afresh: find the group, create it when missing and narrow it when it admits more (both only with
 * {@link RunnerGroupPolicy#manage()}). Never widens access. Refusals are answers; only transient
 * failures throw.
 */
final class RunnerGroupVerifier {

  private static final Logger log = LoggerFactory.getLogger(RunnerGroupVerifier.class);

  private final RunnerGroupEndpoints github;
  private final GitHubCredentials credentials;
  private final RunnerGroupPolicy policy;

  RunnerGroupVerifier(
      RunnerGroupEndpoints github, GitHubCredentials credentials, RunnerGroupPolicy policy) {
    this.github = Objects.requireNonNull(github, "github");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * @throws GitHubException.Transient when GitHub could not be asked
   */
  GroupCheck verify(String organization) {
    AllowLists lists = policy.allowLists();
    if (!lists.admitsAnyRepositoryOf(organization)) {
      return refused(
          organization,
          "the allow-lists admit no repository of " + organization + ": no runner joins it");
    }
    try {
      String token = credentials.organizationToken(organization);
      boolean everyRepository = lists.admitsEveryRepositoryOf(organization);
      List<String> notFound = new ArrayList<>();
      Map<Long, String> repositories =
          everyRepository
              ? Map.of()
              : github.repositoryIds(token, lists.repositoriesOf(organization), notFound);
      GroupAccess wanted =
          GroupAccess.wanted(everyRepository, repositories, lists.allowPublicRepositories());
      String note =
          notFound.isEmpty()
              ? ""
              : "; allow-listed but unknown to GitHub: " + String.join(", ", notFound);
      return verifyGroup(organization, token, wanted, note, true);
    } catch (GitHubException.Permanent e) {
      return refused(organization, e.getMessage());
    }
  }

  private GroupCheck verifyGroup(
      String organization, String token, GroupAccess wanted, String note, boolean mayCreate) {
    Optional<RunnerGroupEndpoints.Group> found =
        github.find(organization, token, policy.groupName());
    if (found.isEmpty()) {
      return mayCreate
          ? create(organization, token, wanted, note)
          : refused(organization, "no such group, and it could not be created" + note);
    }
    RunnerGroupEndpoints.Group group = found.get();
    GroupAccess actual = github.accessOf(organization, token, group);
    GroupAccess.Differences differences = GroupAccess.compare(actual, wanted);
    if (!differences.wider().isEmpty()) {
      String beyond = String.join("; ", differences.wider());
      return narrow(organization, token, group, actual, wanted, beyond, note);
    }
    String detail =
        differences.narrower().isEmpty()
            ? "admits exactly the allow-lists"
            : "admits less than the allow-lists ("
                + String.join("; ", differences.narrower())
                + "): jobs it leaves out stay queued";
    return usable(organization, GroupCheck.Outcome.OK, group.id(), detail + note);
  }

  /** The group admits {@code beyond} the allow-lists: narrow it when managed, else refuse it. */
  private GroupCheck narrow(
      String organization,
      String token,
      RunnerGroupEndpoints.Group group,
      GroupAccess actual,
      GroupAccess wanted,
      String beyond,
      String note) {
    if (!policy.manage()) {
      return refused(
          organization,
          "admits more than the allow-lists ("
              + beyond
              + "); narrow it to "
              + wanted.describe()
              + ", or let autorunner manage the group");
    }
    try {
      github.narrow(organization, token, group, actual, wanted);
    } catch (GitHubException.Permanent e) {
      return refused(
          organization,
          "admits more than the allow-lists ("
              + beyond
              + ") and could not be narrowed ("
              + e.getMessage()
              + "); give the App \"Self-hosted runners: write\" on "
              + organization
              + ", or narrow the group by hand to "
              + wanted.describe());
    }
    log.warn(
        "Runner group '{}' of {} admitted {}; narrowed", policy.groupName(), organization, beyond);
    return usable(
        organization,
        GroupCheck.Outcome.CORRECTED,
        group.id(),
        "admitted " + beyond + "; now " + wanted.describe() + note);
  }

  private GroupCheck create(String organization, String token, GroupAccess wanted, String note) {
    if (!policy.manage()) {
      return refused(
          organization,
          "no such group; create it with "
              + wanted.describe()
              + ", or let autorunner manage the group"
              + note);
    }
    long id;
    try {
      id = github.create(organization, token, policy.groupName(), wanted);
    } catch (GitHubException.Permanent e) {
      // Another handler instance may have created it a moment ago: look once more.
      log.info(
          "Could not create runner group in {} ({}); looking again", organization, e.getMessage());
      return verifyGroup(
          organization, token, wanted, note + "; creating it failed: " + e.getMessage(), false);
    }
    log.info(
        "Created runner group '{}' (id {}) in {}: {}",
        policy.groupName(),
        id,
        organization,
        wanted.describe());
    return usable(organization, GroupCheck.Outcome.CREATED, id, wanted.describe() + note);
  }

  private GroupCheck refused(String organization, String why) {
    return GroupCheck.notUsable(organization, GroupCheck.Outcome.REFUSED, policy.groupName(), why);
  }

  private GroupCheck usable(
      String organization, GroupCheck.Outcome outcome, long groupId, String detail) {
    return GroupCheck.usable(organization, outcome, groupId, policy.groupName(), detail);
  }
}
