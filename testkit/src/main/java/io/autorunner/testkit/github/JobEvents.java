package io.autorunner.testkit.github;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code workflow_job} webhook of a job's change ({@code queued}, {@code in_progress}, {@code
 * completed}) as GitHub sends it: the job, its repository, organisation, sender and installation.
 * Callers hold the fake's lock, so webhooks go out in the order the changes happened.
 */
final class JobEvents {

  private final Repositories repositories;
  private final AppInstallations installations;
  private final Webhooks webhooks;

  JobEvents(Repositories repositories, AppInstallations installations, Webhooks webhooks) {
    this.repositories = repositories;
    this.installations = installations;
    this.webhooks = webhooks;
  }

  void send(JobState job, String action) {
    Repository repository = repositories.ensure(job.repository);
    webhooks.send(
        action,
        job.id,
        installations.id(job.owner()),
        repository.id(),
        payload(job, action, repository));
  }

  private Map<String, Object> payload(JobState job, String action, Repository repo) {
    String owner = repo.owner();
    boolean organization = !repo.ownedByUser();
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("action", action);
    payload.put("workflow_job", job.json());
    payload.put("repository", repositories.json(repo));
    if (organization) {
      payload.put("organization", Map.of("login", owner, "id", Accounts.id(owner)));
    }
    payload.put("sender", Map.of("login", "octocat", "id", 1, "type", "User"));
    payload.put("installation", Map.of("id", installations.id(owner)));
    return payload;
  }
}
