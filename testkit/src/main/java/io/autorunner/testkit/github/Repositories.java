package io.autorunner.testkit.github;

import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The repositories the fake knows, with their ids and visibility, and the ones the (single) App
 * installation may access. A repository comes into being when a job is queued for it (private) or
 * when a test registers it. Guarded by the fake's lock.
 */
final class Repositories {

  private static final long FIRST_ID = 100_000_000L;
  private static final Pattern FULL_NAME = Pattern.compile("[^/\\s]+/[^/\\s]+");

  private final Object lock;
  private final Predicate<String> isUser;
  private final Supplier<URI> baseUrl;
  // Keyed by the lower-case full name: GitHub's names are case-insensitive.
  private final Map<String, Entry> byName = new LinkedHashMap<>();
  private Set<String> installationOnly; // lower-case full names; null: every repository

  private static final class Entry {
    final long id;
    final String fullName;
    boolean isPrivate;

    Entry(long id, String fullName, boolean isPrivate) {
      this.id = id;
      this.fullName = fullName;
      this.isPrivate = isPrivate;
    }
  }

  Repositories(Object lock, Predicate<String> isUser, Supplier<URI> baseUrl) {
    this.lock = lock;
    this.isUser = isUser;
    this.baseUrl = baseUrl;
  }

  /** Registers {@code fullName} with that visibility, or changes the visibility of a known one. */
  Repository register(String fullName, boolean isPrivate) {
    synchronized (lock) {
      Entry entry = entry(fullName, isPrivate);
      entry.isPrivate = isPrivate;
      return snapshot(entry);
    }
  }

  /** The repository of that name, made private if it was unknown. */
  Repository ensure(String fullName) {
    synchronized (lock) {
      return snapshot(entry(fullName, true));
    }
  }

  Optional<Repository> find(String fullName) {
    synchronized (lock) {
      return Optional.ofNullable(byName.get(key(fullName))).map(this::snapshot);
    }
  }

  Optional<Repository> byId(long id) {
    synchronized (lock) {
      return byName.values().stream().filter(e -> e.id == id).findFirst().map(this::snapshot);
    }
  }

  List<Repository> all() {
    synchronized (lock) {
      return byName.values().stream().map(this::snapshot).toList();
    }
  }

  /** Limits the installation to these repositories ({@code repository_selection: selected}). */
  void restrictInstallation(Collection<String> fullNames) {
    synchronized (lock) {
      Set<String> only = new LinkedHashSet<>();
      for (String name : fullNames) {
        ensure(name);
        only.add(key(name));
      }
      installationOnly = only;
    }
  }

  /** The installation may access every repository again ({@code repository_selection: all}). */
  void installOnAll() {
    synchronized (lock) {
      installationOnly = null;
    }
  }

  String repositorySelection() {
    synchronized (lock) {
      return installationOnly == null ? "all" : "selected";
    }
  }

  List<Repository> installationRepositories() {
    synchronized (lock) {
      List<Repository> listed = new ArrayList<>();
      for (Map.Entry<String, Entry> e : byName.entrySet()) {
        if (installationOnly == null || installationOnly.contains(e.getKey())) {
          listed.add(snapshot(e.getValue()));
        }
      }
      return listed;
    }
  }

  /** {@code GET /repos/{owner}/{repo}}: 404 for a repository the fake never heard of. */
  Response get(Request request) {
    Optional<Repository> found = find(request.param(0) + "/" + request.param(1));
    return found.isPresent() ? Response.json(200, json(found.get())) : GitHubErrors.notFound();
  }

  /**
   * {@code GET /installation/repositories?per_page=&page=}: the installation's repositories, with
   * an ETag so an unchanged list answers 304.
   */
  Response installation(Request request, ApiMeter meter) {
    Paging paging = Paging.of(request);
    List<Repository> all = installationRepositories();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("total_count", all.size());
    body.put("repositories", paging.page(all).stream().map(this::json).toList());
    body.put("repository_selection", repositorySelection());
    return meter.conditional(request, body);
  }

  /** A repository as the REST API shows one (the fields a client of this fake reads, and a few). */
  Map<String, Object> json(Repository repository) {
    String api = baseUrl.get() + "/repos/" + repository.fullName();
    Map<String, Object> owner = new LinkedHashMap<>();
    owner.put("login", repository.owner());
    owner.put("id", Accounts.id(repository.owner()));
    owner.put("node_id", "O_fake" + Accounts.id(repository.owner()));
    owner.put("url", baseUrl.get() + "/users/" + repository.owner());
    owner.put("html_url", "https://github.com/" + repository.owner());
    owner.put("type", repository.ownerType());
    owner.put("site_admin", false);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", repository.id());
    json.put("node_id", "R_fake" + repository.id());
    json.put("name", repository.name());
    json.put("full_name", repository.fullName());
    json.put("owner", owner);
    json.put("private", repository.isPrivate());
    json.put("visibility", repository.isPrivate() ? "private" : "public");
    json.put("html_url", "https://github.com/" + repository.fullName());
    json.put("description", null);
    json.put("fork", false);
    json.put("url", api);
    json.put("archived", false);
    json.put("disabled", false);
    json.put("default_branch", "main");
    json.put("hooks_url", api + "/hooks");
    return json;
  }

  private Entry entry(String fullName, boolean isPrivate) {
    return byName.computeIfAbsent(
        key(fullName), k -> new Entry(FIRST_ID + byName.size() + 1, fullName, isPrivate));
  }

  private Repository snapshot(Entry entry) {
    String owner = entry.fullName.substring(0, entry.fullName.indexOf('/'));
    return new Repository(entry.id, entry.fullName, entry.isPrivate, isUser.test(owner));
  }

  private static String key(String fullName) {
    if (!FULL_NAME.matcher(fullName).matches()) {
      throw new IllegalArgumentException("repository must be owner/name: " + fullName);
    }
    return fullName.toLowerCase(Locale.ROOT);
  }
}
