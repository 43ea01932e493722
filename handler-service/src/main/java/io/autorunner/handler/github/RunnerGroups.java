package io.autorunner.handler.github;

import io.autorunner.common.task.JobRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The organisation runner group autorunner's runners join, kept to admit no more than the
 * allow-lists: GitHub gives a runner to any queued job its group admits, whatever the scheduler
 * decided, so the group is the lock. Found by name, created when missing and narrowed to exactly
 * the lists when it admits more (with {@link RunnerGroupPolicy#manage()}); a group admitting more
 * that cannot be narrowed refuses the organisation's runners. A group admitting less is left as it
 * is and reported: verification never widens access.
 *
 * <p>Verified results live for {@code cacheTtl} in this instance's memory only: a cache of GitHub's
 * truth, which every instance verifies for itself.
 */
public final class RunnerGroups implements RunnerGroupSource {

  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);

  /** A repository's runners have no groups but the default one, which GitHub numbers 1. */
  static final long REPOSITORY_GROUP_ID = 1;

  private static final Logger log = LoggerFactory.getLogger(RunnerGroups.class);

  private final RunnerGroupEndpoints github;
  private final GitHubCredentials credentials;
  private final AppInstallations installations;
  private final RunnerGroupPolicy policy;
  private final Clock clock;
  private final Duration cacheTtl;
  private final ConcurrentMap<String, Verified> verified = new ConcurrentHashMap<>();

  /**
   * @param http the process's GitHub HTTP client, shared with the other GitHub clients
   * @param installations tells organisations from users for {@link #checkAllowedOwners()}
   * @param cacheTtl how long {@link #groupFor(JobRef)} trusts a verification (see {@link
   *     #DEFAULT_CACHE_TTL}); {@link #check(String)} always asks GitHub
   */
  public RunnerGroups(
      GitHubHttp http,
      GitHubCredentials credentials,
      AppInstallations installations,
      RunnerGroupPolicy policy,
      Clock clock,
      Duration cacheTtl) {
    this.github = new RunnerGroupEndpoints(Objects.requireNonNull(http, "http"));
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.installations = Objects.requireNonNull(installations, "installations");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cacheTtl = Objects.requireNonNull(cacheTtl, "cacheTtl");
  }

  /**
   * The verified group of the job's organisation; repository runners (user-owned repositories) join
   * the repository's default group.
   *
   * @throws GitHubException.Permanent when the organisation's group is refused (the message is the
   *     {@link GroupCheck})
   * @throws GitHubException.Transient when GitHub could not be asked
   */
  @Override
  public long groupFor(JobRef job) {
    return job.organization() == null ? REPOSITORY_GROUP_ID : groupFor(job.organization());
  }

  /** The verified group of an organisation, from a fresh-enough verification if there is one. */
  public long groupFor(String organization) {
    Verified cached = verified.get(key(organization));
    GroupCheck check =
        cached != null && cached.at().plus(cacheTtl).isAfter(clock.instant())
            ? cached.check()
            : remember(verify(organization));
    if (!check.usable()) {
      throw new GitHubException.Permanent(check.toString(), null);
    }
    return check.groupId().getAsLong();
  }

  /**
   * Verifies (and, when managed, creates or narrows) the organisation's group now, for the
   * reconciler's sweep report. Never throws for GitHub's answers: a refusal is {@code REFUSED}, a
   * transient failure {@code UNAVAILABLE}.
   */
  public GroupCheck check(String organization) {
    try {
      return remember(verify(organization));
    } catch (GitHubException.Transient e) {
      return notUsable(organization, GroupCheck.Outcome.UNAVAILABLE, e.getMessage());
    }
  }

  /**
   * {@link #check(String)} for every owner the allow-lists name (allowed owners, owners of allowed
   * repositories), for the handler's start-up; users come back {@code NOT_AN_ORGANIZATION}. Empty
   * when the lists name no one (every installation is allowed then: check each organisation as it
   * is swept).
   */
  public List<GroupCheck> checkAllowedOwners() {
    List<String> owners = policy.allowLists().namedOwners();
    Map<String, Boolean> organizations;
    try {
      organizations = accountKinds(owners);
    } catch (GitHubException e) {
      GroupCheck.Outcome outcome =
          e instanceof GitHubException.Transient
              ? GroupCheck.Outcome.UNAVAILABLE
              : GroupCheck.Outcome.REFUSED;
      return owners.stream().map(owner -> notUsable(owner, outcome, e.getMessage())).toList();
    }
    List<GroupCheck> checks = new ArrayList<>();
    for (String owner : owners) {
      Boolean organization = organizations.get(key(owner));
      if (organization == null) {
        checks.add(
            notUsable(
                owner,
                GroupCheck.Outcome.REFUSED,
                credentials.app().isPresent()
                    ? "the App is not installed on " + owner + "; install it or drop " + owner
                    : "GitHub knows no account " + owner));
      } else if (!organization) {
        checks.add(
            notUsable(
                owner,
                GroupCheck.Outcome.NOT_AN_ORGANIZATION,
                "a user account: its repositories get repository runners"));
      } else {
        checks.add(check(owner));
      }
    }
    return checks;
  }

  private GroupCheck remember(GroupCheck check) {
    verified.put(key(check.organization()), new Verified(clock.instant(), check));
    return check;
  }

  /** The whole verification; refusals are answers, only transient failures throw. */
  private GroupCheck verify(String organization) {
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
    if (differences.wider().isEmpty()) {
      String detail =
          differences.narrower().isEmpty()
              ? "admits exactly the allow-lists"
              : "admits less than the allow-lists ("
                  + String.join("; ", differences.narrower())
                  + "): jobs it leaves out stay queued";
      return usable(organization, GroupCheck.Outcome.OK, group.id(), detail + note);
    }
    String beyond = String.join("; ", differences.wider());
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

  /** Login (lower case) → organisation or not, for the logins GitHub knows. */
  private Map<String, Boolean> accountKinds(List<String> logins) {
    Map<String, Boolean> kinds = new LinkedHashMap<>();
    if (logins.isEmpty()) {
      return kinds;
    }
    if (credentials.app().isPresent()) {
      for (AppInstallations.Installation installation : installations.installations()) {
        kinds.put(key(installation.account()), installation.organization());
      }
      return kinds;
    }
    for (String login : logins) {
      github
          .isOrganization(credentials.organizationToken(login), login)
          .ifPresent(organization -> kinds.put(key(login), organization));
    }
    return kinds;
  }

  private GroupCheck refused(String organization, String why) {
    return notUsable(organization, GroupCheck.Outcome.REFUSED, why);
  }

  private GroupCheck notUsable(String organization, GroupCheck.Outcome outcome, String why) {
    return new GroupCheck(organization, outcome, OptionalLong.empty(), policy.groupName(), why);
  }

  private GroupCheck usable(
      String organization, GroupCheck.Outcome outcome, long groupId, String detail) {
    return new GroupCheck(
        organization, outcome, OptionalLong.of(groupId), policy.groupName(), detail);
  }

  private static String key(String login) {
    return login.toLowerCase(Locale.ROOT);
  }

  private record Verified(Instant at, GroupCheck check) {}
}
