package io.autorunner.handler.github;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

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

  private final RunnerGroupEndpoints github;
  private final RunnerGroupVerifier verifier;
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
    this.verifier = new RunnerGroupVerifier(github, credentials, policy);
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
  public long groupFor(RepositoryScope scope) {
    return scope.owningOrganization().map(this::groupFor).orElse(REPOSITORY_GROUP_ID);
  }

  /** The verified group of an organisation, from a fresh-enough verification if there is one. */
  public long groupFor(String organization) {
    Verified cached = verified.get(key(organization));
    GroupCheck check =
        cached != null && cached.at().plus(cacheTtl).isAfter(clock.instant())
            ? cached.check()
            : remember(verifier.verify(organization));
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
      return remember(verifier.verify(organization));
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
    Map<String, AccountKind> kinds;
    try {
      kinds = accountKinds(owners);
    } catch (GitHubException e) {
      GroupCheck.Outcome outcome =
          e instanceof GitHubException.Transient
              ? GroupCheck.Outcome.UNAVAILABLE
              : GroupCheck.Outcome.REFUSED;
      return owners.stream().map(owner -> notUsable(owner, outcome, e.getMessage())).toList();
    }
    return owners.stream()
        .map(owner -> checkOwner(owner, Optional.ofNullable(kinds.get(key(owner)))))
        .toList();
  }

  private GroupCheck checkOwner(String owner, Optional<AccountKind> kind) {
    if (kind.isEmpty()) {
      return notUsable(
          owner,
          GroupCheck.Outcome.REFUSED,
          credentials.app().isPresent()
              ? "the App is not installed on " + owner + "; install it or drop " + owner
              : "GitHub knows no account " + owner);
    }
    if (kind.get() == AccountKind.USER) {
      return notUsable(
          owner,
          GroupCheck.Outcome.NOT_AN_ORGANIZATION,
          "a user account: its repositories get repository runners");
    }
    return check(owner);
  }

  private GroupCheck remember(GroupCheck check) {
    verified.put(key(check.organization()), new Verified(clock.instant(), check));
    return check;
  }

  /** Login (lower case) → its kind, for the logins GitHub knows. */
  private Map<String, AccountKind> accountKinds(List<String> logins) {
    Map<String, AccountKind> kinds = new LinkedHashMap<>();
    if (logins.isEmpty()) {
      return kinds;
    }
    if (credentials.app().isPresent()) {
      for (AppInstallations.Installation installation : installations.installations()) {
        kinds.put(key(installation.account()), AccountKind.of(installation.organization()));
      }
      return kinds;
    }
    for (String login : logins) {
      github
          .accountKind(credentials.organizationToken(login), login)
          .ifPresent(kind -> kinds.put(key(login), kind));
    }
    return kinds;
  }

  private GroupCheck notUsable(String organization, GroupCheck.Outcome outcome, String why) {
    return GroupCheck.notUsable(organization, outcome, policy.groupName(), why);
  }

  private static String key(String login) {
    return login.toLowerCase(Locale.ROOT);
  }

  private record Verified(Instant at, GroupCheck check) {}
}
