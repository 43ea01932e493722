package io.autorunner.testkit.github;

import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The organisations' runner groups: every organisation has group 1, "Default", open to all its
 * private repositories, and may have more (made over REST, see {@link RunnerGroupEndpoints}). The
 * dispatcher asks {@link #admits} whether a runner's group may serve a repository. Guarded by the
 * fake's lock.
 */
final class RunnerGroups {

  static final long DEFAULT = 1;

  /** What the fake does when groups change: its runners and its dispatcher. */
  interface Members {
    /** A group was deleted: GitHub moves its runners to the default group. */
    void groupDeleted(String org, long groupId);

    /** Which repositories a group admits changed: queued jobs may now find a runner. */
    void admissionChanged();
  }

  private final Object lock;
  private final Predicate<String> isUser;
  private final Members members;
  private final AtomicLong ids = new AtomicLong(DEFAULT);
  // Guarded by lock. Keyed by the lower-case organisation login.
  private final Map<String, Map<Long, GroupState>> byOrg = new LinkedHashMap<>();
  private boolean refuseWrites;

  RunnerGroups(Object lock, Predicate<String> isUser, Members members) {
    this.lock = lock;
    this.isUser = isUser;
    this.members = members;
  }

  /** Runner-group writes answer 403, as for an App without the permission to manage them. */
  void refuseWrites(boolean refuse) {
    synchronized (lock) {
      refuseWrites = refuse;
    }
  }

  boolean writesRefused() {
    synchronized (lock) {
      return refuseWrites;
    }
  }

  /** The group, if the organisation has one of that id. */
  Optional<RunnerGroup> find(String org, long id) {
    synchronized (lock) {
      return groupsOf(org).map(g -> g.get(id)).map(GroupState::snapshot);
    }
  }

  /** Whether an organisation runner of group {@code groupId} may take a job of {@code repo}. */
  boolean admits(String org, long groupId, Repository repo) {
    return find(org, groupId).map(g -> g.admits(repo)).orElse(false);
  }

  List<RunnerGroup> groups(String org) {
    synchronized (lock) {
      return groupsOf(org)
          .map(groups -> groups.values().stream().map(GroupState::snapshot).toList())
          .orElse(List.of());
    }
  }

  /**
   * The organisation's groups by id (the default one made on first sight); empty for a user
   * account, which has none. Callers hold the lock.
   */
  Optional<Map<Long, GroupState>> groupsOf(String org) {
    if (isUser.test(org)) {
      return Optional.empty();
    }
    return Optional.of(
        byOrg.computeIfAbsent(
            org.toLowerCase(Locale.ROOT),
            k -> {
              Map<Long, GroupState> groups = new LinkedHashMap<>();
              groups.put(DEFAULT, new GroupState(DEFAULT, org, "Default", true));
              return groups;
            }));
  }

  /**
   * The group {@code id} (a path parameter) of the organisation, if it has one. Callers hold the
   * lock.
   */
  Optional<GroupState> group(String org, String id) {
    return groupsOf(org).map(groups -> groups.get(Long.parseLong(id)));
  }

  /**
   * Runs {@code change} on the group the request's path names ({@code {org}/.../{group id}}), as
   * GitHub answers a write: 404 when there is no such group, 403 when writes are refused. Callers
   * hold the lock.
   */
  Response changing(Request request, Function<GroupState, Response> change) {
    Optional<GroupState> group = group(request.param(0), request.param(1));
    if (group.isEmpty()) {
      return GitHubErrors.notFound();
    }
    if (writesRefused()) {
      return GitHubErrors.notAccessible();
    }
    return change.apply(group.get());
  }

  long nextId() {
    return ids.incrementAndGet();
  }

  Members members() {
    return members;
  }
}
