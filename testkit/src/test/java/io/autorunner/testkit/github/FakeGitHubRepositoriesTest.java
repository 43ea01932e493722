package io.autorunner.testkit.github;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.common.event.WorkflowJobEvent;
import io.autorunner.testkit.http.JsonServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Repositories, the installation's repositories, conditional requests and the API meter. */
class FakeGitHubRepositoriesTest {

  private static final List<String> CPU = List.of("self-hosted", "gce");

  private FakeGitHub github;
  private Rest rest;

  @BeforeEach
  void start() {
    github = new FakeGitHub();
    rest = Rest.asInstallation(github);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void aRepositoryComesIntoBeingPrivateAndOrganisationOwnedWhenAJobIsQueuedForIt() {
    github.queueJob("octo-org/app", CPU);

    JsonNode repo = rest.json("/repos/octo-org/app");

    assertThat(repo.path("id").asLong())
        .isEqualTo(github.repository("octo-org/app").orElseThrow().id());
    assertThat(repo.path("full_name").asString()).isEqualTo("octo-org/app");
    assertThat(repo.path("name").asString()).isEqualTo("app");
    assertThat(repo.path("private").asBoolean()).isTrue();
    assertThat(repo.path("visibility").asString()).isEqualTo("private");
    assertThat(repo.path("owner").path("login").asString()).isEqualTo("octo-org");
    assertThat(repo.path("owner").path("type").asString()).isEqualTo("Organization");
  }

  @Test
  void anUnknownRepositoryIs404() {
    assertThat(rest.get("/repos/octo-org/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void aRegisteredRepositoryKeepsItsVisibilityAndAUsersRepositoryIsOwnedByAUser() {
    github.userAccount("octocat");
    Repository dots = github.addRepository("octocat/dots", false);

    JsonNode repo = rest.json("/repos/octocat/dots");

    assertThat(dots.isPrivate()).isFalse();
    assertThat(dots.ownedByUser()).isTrue();
    assertThat(repo.path("private").asBoolean()).isFalse();
    assertThat(repo.path("visibility").asString()).isEqualTo("public");
    assertThat(repo.path("owner").path("type").asString()).isEqualTo("User");
    // Queuing a job keeps the registered visibility.
    github.queueJob("octocat/dots", CPU);
    assertThat(github.repository("octocat/dots").orElseThrow().isPrivate()).isFalse();
  }

  @Test
  void repositoryIdsAreDistinctAndStable() {
    Repository a = github.addRepository("octo-org/a", true);
    Repository b = github.addRepository("octo-org/b", true);

    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(github.addRepository("Octo-Org/A", false).id()).isEqualTo(a.id());
    assertThat(github.repositories())
        .extracting(Repository::fullName)
        .containsExactly("octo-org/a", "octo-org/b");
  }

  @Test
  void aWebhookCarriesTheRepositorysIdAndVisibility() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      github.setWebhook(receiver.url(), "s");
      Repository repo = github.addRepository("octo-org/public", false);

      github.queueJob("octo-org/public", CPU);

      assertThat(github.awaitDeliveries(Duration.ofSeconds(5))).isTrue();
      String body = receiver.received().get(0).body();
      JsonNode payload = JsonServer.JSON.readTree(body);
      assertThat(payload.path("repository").path("id").asLong()).isEqualTo(repo.id());
      assertThat(payload.path("repository").path("private").asBoolean()).isFalse();
      assertThat(
              WorkflowJobEvent.parse(body.getBytes(StandardCharsets.UTF_8)).repository().fullName())
          .isEqualTo("octo-org/public");
    }
  }

  // ---------------------------------------------------------------- the installation

  @Test
  void theInstallationListsEveryKnownRepositoryByDefaultInPages() {
    github.addRepository("octo-org/a", true);
    github.addRepository("octo-org/b", false);
    github.queueJob("octo-org/c", CPU);

    JsonNode page2 = rest.json("/installation/repositories?per_page=2&page=2");

    assertThat(page2.path("total_count").asInt()).isEqualTo(3);
    assertThat(page2.path("repository_selection").asString()).isEqualTo("all");
    assertThat(page2.path("repositories").findValuesAsString("full_name"))
        .containsExactly("octo-org/c");
  }

  @Test
  void aRestrictedInstallationListsOnlyItsRepositories() {
    github.addRepository("octo-org/a", true);
    github.addRepository("octo-org/b", true);

    github.restrictInstallationTo(List.of("octo-org/b"));

    JsonNode listed = rest.json("/installation/repositories");
    assertThat(listed.path("total_count").asInt()).isEqualTo(1);
    assertThat(listed.path("repository_selection").asString()).isEqualTo("selected");
    assertThat(listed.path("repositories").findValuesAsString("full_name"))
        .containsExactly("octo-org/b");
    github.installOnAllRepositories();
    assertThat(rest.json("/installation/repositories").path("total_count").asInt()).isEqualTo(2);
  }

  @Test
  void theInstallationsRepositoriesRefuseTheAppsJwt() {
    assertThat(Rest.asApp(github).get("/installation/repositories").statusCode()).isEqualTo(403);
  }

  @Test
  void anUnchangedRepositoryListAnswers304WithoutABodyAndAChangeGivesANewEtag() {
    github.addRepository("octo-org/a", true);
    HttpResponse<String> first = rest.get("/installation/repositories");
    String etag = first.headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> again =
        rest.get("/installation/repositories", Map.of("If-None-Match", etag));

    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    github.addRepository("octo-org/b", true);
    HttpResponse<String> changed =
        rest.get("/installation/repositories", Map.of("If-None-Match", etag));
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
    assertThat(Rest.read(changed).path("total_count").asInt()).isEqualTo(2);
  }

  @Test
  void aNotModifiedAnswerDoesNotCountAgainstTheRateLimit() {
    github.addRepository("octo-org/a", true);
    HttpResponse<String> first = rest.get("/installation/repositories");
    int usedAfterFirst = header(first, "x-ratelimit-used");
    String etag = first.headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> notModified =
        rest.get("/installation/repositories", Map.of("If-None-Match", etag));
    HttpResponse<String> counted = rest.get("/repos/octo-org/a");

    assertThat(header(notModified, "x-ratelimit-used")).isEqualTo(usedAfterFirst);
    assertThat(header(counted, "x-ratelimit-used")).isEqualTo(usedAfterFirst + 1);
    assertThat(header(counted, "x-ratelimit-remaining"))
        .isEqualTo(header(counted, "x-ratelimit-limit") - usedAfterFirst - 1);
    assertThat(counted.headers().firstValue("x-ratelimit-reset")).isPresent();
    ApiCalls calls = github.apiCalls();
    assertThat(calls.total()).isEqualTo(3);
    assertThat(calls.notModified()).isEqualTo(1);
    assertThat(calls.rateLimited()).isEqualTo(2);
    assertThat(calls.calls("GET /installation/repositories")).isEqualTo(2);
  }

  @Test
  void resettingTheApiCallsReturnsTheCountsAndStartsFromZero() {
    rest.get("/repos/octo-org/nope");
    rest.get("/_fake/state");

    ApiCalls before = github.resetApiCalls();

    assertThat(before.total()).isEqualTo(1);
    assertThat(github.apiCalls().total()).isZero();
    rest.get("/installation/repositories");
    assertThat(github.apiCalls().total()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- helpers

  private static int header(HttpResponse<String> response, String name) {
    return Integer.parseInt(response.headers().firstValue(name).orElseThrow());
  }
}
