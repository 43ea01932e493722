package io.autorunner.testkit.github;

import static io.autorunner.testkit.github.FakeGitHubTest.await;
import static io.autorunner.testkit.github.Rest.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Runner groups over REST, as GitHub documents them, and the dispatcher honouring them. */
class FakeGitHubRunnerGroupsTest {

  private static final String ORG = "octo-org";
  private static final String GROUPS = "/orgs/" + ORG + "/actions/runner-groups";
  private static final List<String> CPU = List.of("self-hosted", "gce");

  private FakeGitHub github;
  private Rest rest;

  @BeforeEach
  void start() {
    github = new FakeGitHub();
    github.setRunTime(Duration.ofSeconds(30));
    rest = Rest.asInstallation(github);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  // ---------------------------------------------------------------- REST

  @Test
  void everyOrganisationHasTheDefaultGroupOpenToAllItsPrivateRepositories() {
    JsonNode list = rest.json(GROUPS);

    assertThat(list.path("total_count").asInt()).isEqualTo(1);
    JsonNode group = list.path("runner_groups").get(0);
    assertThat(group.path("id").asLong()).isEqualTo(1);
    assertThat(group.path("name").asString()).isEqualTo("Default");
    assertThat(group.path("default").asBoolean()).isTrue();
    assertThat(group.path("visibility").asString()).isEqualTo("all");
    assertThat(group.path("allows_public_repositories").asBoolean()).isFalse();
    assertThat(group.path("inherited").asBoolean()).isFalse();
    assertThat(group.path("restricted_to_workflows").asBoolean()).isFalse();
    assertThat(group.path("selected_workflows").isArray()).isTrue();
    assertThat(group.path("runners_url").asString()).endsWith(GROUPS + "/1/runners");
    assertThat(github.runnerGroups(ORG))
        .singleElement()
        .extracting(RunnerGroup::isDefault)
        .isEqualTo(true);
  }

  @Test
  void aGroupIsCreatedReadUpdatedAndDeletedAsDocumented() {
    Repository app = github.addRepository(ORG + "/app", true);

    HttpResponse<String> created =
        rest.post(
            GROUPS,
            body(
                "name",
                "gce",
                "visibility",
                "selected",
                "selected_repository_ids",
                List.of(app.id()),
                "allows_public_repositories",
                true));

    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode group = Rest.read(created);
    long id = group.path("id").asLong();
    assertThat(id).isGreaterThan(1);
    assertThat(group.path("name").asString()).isEqualTo("gce");
    assertThat(group.path("visibility").asString()).isEqualTo("selected");
    assertThat(group.path("default").asBoolean()).isFalse();
    assertThat(group.path("allows_public_repositories").asBoolean()).isTrue();
    assertThat(group.path("selected_repositories_url").asString())
        .endsWith(GROUPS + "/" + id + "/repositories");
    assertThat(rest.json(GROUPS + "/" + id).path("name").asString()).isEqualTo("gce");
    assertThat(rest.json(GROUPS).path("total_count").asInt()).isEqualTo(2);

    HttpResponse<String> updated =
        rest.patch(GROUPS + "/" + id, body("name", "gce-private", "visibility", "private"));

    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(Rest.read(updated).path("visibility").asString()).isEqualTo("private");
    assertThat(Rest.read(updated).has("selected_repositories_url")).isFalse();
    assertThat(rest.delete(GROUPS + "/" + id).statusCode()).isEqualTo(204);
    assertThat(rest.get(GROUPS + "/" + id).statusCode()).isEqualTo(404);
    assertThat(rest.delete(GROUPS + "/1").statusCode()).isEqualTo(422);
  }

  @Test
  void aSelectedGroupsRepositoryAccessIsSetAddedAndRemoved() {
    Repository a = github.addRepository(ORG + "/a", true);
    Repository b = github.addRepository(ORG + "/b", true);
    Repository c = github.addRepository(ORG + "/c", true);
    long id = createGroup(body("name", "gce", "visibility", "selected"));
    String repos = GROUPS + "/" + id + "/repositories";

    assertThat(
            rest.put(repos, body("selected_repository_ids", List.of(a.id(), b.id()))).statusCode())
        .isEqualTo(204);
    assertThat(rest.put(repos + "/" + c.id(), null).statusCode()).isEqualTo(204);
    assertThat(rest.delete(repos + "/" + a.id()).statusCode()).isEqualTo(204);

    JsonNode listed = rest.json(repos);
    assertThat(listed.path("total_count").asInt()).isEqualTo(2);
    assertThat(listed.path("repositories").findValuesAsString("full_name"))
        .containsExactly(ORG + "/b", ORG + "/c");
    assertThat(github.runnerGroups(ORG).get(1).selectedRepositoryIds())
        .containsExactlyInAnyOrder(b.id(), c.id());
  }

  @Test
  void repositoryAccessOfAGroupThatIsNotSelectedIsRefused() {
    Repository a = github.addRepository(ORG + "/a", true);
    long id = createGroup(body("name", "gce"));

    assertThat(
            rest.put(
                    GROUPS + "/" + id + "/repositories",
                    body("selected_repository_ids", List.of(a.id())))
                .statusCode())
        .isEqualTo(422);
  }

  @Test
  void aGroupCannotSelectARepositoryOfAnotherOrganisation() {
    Repository elsewhere = github.addRepository("other-org/app", true);

    HttpResponse<String> created =
        rest.post(
            GROUPS,
            body(
                "name",
                "gce",
                "visibility",
                "selected",
                "selected_repository_ids",
                List.of(elsewhere.id())));

    assertThat(created.statusCode()).isEqualTo(422);
    assertThat(github.runnerGroups(ORG)).hasSize(1);
  }

  @Test
  void refusedGroupWritesAnswer403WhileReadsStillWork() {
    github.refuseRunnerGroupWrites(true);

    HttpResponse<String> created = rest.post(GROUPS, body("name", "gce"));

    assertThat(created.statusCode()).isEqualTo(403);
    assertThat(Rest.read(created).path("message").asString())
        .isEqualTo("Resource not accessible by integration");
    assertThat(rest.patch(GROUPS + "/1", body("name", "Default")).statusCode()).isEqualTo(403);
    assertThat(rest.json(GROUPS).path("total_count").asInt()).isEqualTo(1);

    github.refuseRunnerGroupWrites(false);
    assertThat(rest.post(GROUPS, body("name", "gce")).statusCode()).isEqualTo(201);
  }

  @Test
  void aUserAccountHasNoRunnerGroups() {
    github.userAccount("octocat");

    assertThat(rest.get("/orgs/octocat/actions/runner-groups").statusCode()).isEqualTo(404);
    assertThat(github.runnerGroups("octocat")).isEmpty();
  }

  @Test
  void visibleToRepositoryListsOnlyTheGroupsThatAdmitIt() {
    Repository app = github.addRepository(ORG + "/app", true);
    github.addRepository(ORG + "/other", true);
    createGroup(
        body(
            "name",
            "app-only",
            "visibility",
            "selected",
            "selected_repository_ids",
            List.of(app.id())));

    assertThat(rest.json(GROUPS + "?visible_to_repository=app").path("total_count").asInt())
        .isEqualTo(2);
    assertThat(
            rest.json(GROUPS + "?visible_to_repository=other")
                .path("runner_groups")
                .findValuesAsString("name"))
        .containsExactly("Default");
  }

  @Test
  void aJitConfigForAnUnknownGroupIs404AndARunnerCarriesItsGroup() {
    long id = createGroup(body("name", "gce"));

    assertThat(jitResponse("ghr-1-1", 99).statusCode()).isEqualTo(404);
    JsonNode jit = Rest.read(jitResponse("ghr-2-1", id));

    assertThat(jit.path("runner").path("runner_group_id").asLong()).isEqualTo(id);
    long runnerId = jit.path("runner").path("id").asLong();
    assertThat(
            rest.json("/orgs/" + ORG + "/actions/runners/" + runnerId)
                .path("runner_group_id")
                .asLong())
        .isEqualTo(id);
    // A repository has only its default group.
    assertThat(
            rest.post(
                    "/repos/" + ORG + "/app/actions/runners/generate-jitconfig",
                    body("name", "ghr-3-1", "runner_group_id", id, "labels", CPU))
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void deletingAGroupMovesItsRunnersToTheDefaultGroup() {
    long id = createGroup(body("name", "gce"));
    long runnerId = Rest.read(jitResponse("ghr-1-1", id)).path("runner").path("id").asLong();

    rest.delete(GROUPS + "/" + id);

    assertThat(
            rest.json("/orgs/" + ORG + "/actions/runners/" + runnerId)
                .path("runner_group_id")
                .asLong())
        .isEqualTo(1);
  }

  // ---------------------------------------------------------------- the dispatcher

  @Test
  void aSelectedGroupsRunnerTakesOnlyJobsOfItsSelectedRepositories() throws Exception {
    Repository allowed = github.addRepository(ORG + "/allowed", true);
    github.addRepository(ORG + "/other", true);
    long id =
        createGroup(
            body(
                "name",
                "gce",
                "visibility",
                "selected",
                "selected_repository_ids",
                List.of(allowed.id())));
    long older = github.queueJob(ORG + "/other", CPU);
    long newer = github.queueJob(ORG + "/allowed", CPU);

    bootRunner("ghr-a", id);

    await(() -> github.job(newer).orElseThrow().status().equals("in_progress"));
    assertThat(github.job(newer).orElseThrow().runnerName()).isEqualTo("ghr-a");
    assertThat(github.job(older).orElseThrow().queued()).isTrue();
    // A Default-group runner may take the other one.
    bootRunner("ghr-b", 1);
    await(() -> "ghr-b".equals(github.job(older).orElseThrow().runnerName()));
  }

  @Test
  void aPublicRepositoryGetsNoRunnerFromAGroupThatDoesNotAllowPublicRepositories()
      throws Exception {
    github.addRepository(ORG + "/public", false);
    long publicJob = github.queueJob(ORG + "/public", CPU);
    long privateJob = github.queueJob(ORG + "/private", CPU);

    bootRunner("ghr-a", 1);

    // The older job would go first if its repository were admitted.
    await(() -> "ghr-a".equals(github.job(privateJob).orElseThrow().runnerName()));
    assertThat(github.job(publicJob).orElseThrow().queued()).isTrue();
  }

  @Test
  void aGroupAllowingPublicRepositoriesServesThem() throws Exception {
    github.addRepository(ORG + "/public", false);
    long id = createGroup(body("name", "public-ok", "allows_public_repositories", true));
    long publicJob = github.queueJob(ORG + "/public", CPU);

    bootRunner("ghr-a", id);

    await(() -> "ghr-a".equals(github.job(publicJob).orElseThrow().runnerName()));
  }

  @Test
  void aPrivateGroupServesOnlyPrivateRepositoriesEvenWhenItAllowsPublicOnes() throws Exception {
    github.addRepository(ORG + "/public", false);
    long id =
        createGroup(
            body("name", "private", "visibility", "private", "allows_public_repositories", true));
    long publicJob = github.queueJob(ORG + "/public", CPU);
    long privateJob = github.queueJob(ORG + "/private", CPU);

    bootRunner("ghr-a", id);

    await(() -> "ghr-a".equals(github.job(privateJob).orElseThrow().runnerName()));
    assertThat(github.job(publicJob).orElseThrow().queued()).isTrue();
  }

  @Test
  void anOrganisationRunnerNeverTakesAJobOfAnotherOrganisation() throws Exception {
    long foreign = github.queueJob("other-org/app", CPU);
    long own = github.queueJob(ORG + "/app", CPU);

    bootRunner("ghr-a", 1);

    await(() -> "ghr-a".equals(github.job(own).orElseThrow().runnerName()));
    assertThat(github.job(foreign).orElseThrow().queued()).isTrue();
  }

  @Test
  void aRepositoryRunnerTakesOnlyItsRepositorysJobs() throws Exception {
    long sibling = github.queueJob(ORG + "/sibling", CPU);
    long own = github.queueJob(ORG + "/app", CPU);
    JsonNode jit =
        Rest.read(
            rest.post(
                "/repos/" + ORG + "/app/actions/runners/generate-jitconfig",
                body("name", "ghr-repo", "runner_group_id", 1, "labels", CPU)));

    github.bootRunner(jit.path("encoded_jit_config").asString(), "ghr-repo", () -> {});

    await(() -> "ghr-repo".equals(github.job(own).orElseThrow().runnerName()));
    assertThat(github.job(sibling).orElseThrow().queued()).isTrue();
  }

  @Test
  void aRunnerIsStillTakenByTheOldestJobOfAnyAdmittedRepositoryWhoseLabelsItCarries()
      throws Exception {
    Repository a = github.addRepository(ORG + "/a", true);
    Repository b = github.addRepository(ORG + "/b", true);
    long id =
        createGroup(
            body(
                "name",
                "ab",
                "visibility",
                "selected",
                "selected_repository_ids",
                List.of(a.id(), b.id())));
    long gpu = github.queueJob(ORG + "/a", List.of("self-hosted", "gce", "gpu"));
    long olderOfA = github.queueJob(ORG + "/a", CPU);
    long ofB = github.queueJob(ORG + "/b", CPU);

    // Made for b's job; a's older one takes it, and the GPU job does not fit its labels.
    bootRunner("ghr-" + ofB + "-1", id);

    await(() -> github.job(olderOfA).orElseThrow().status().equals("in_progress"));
    assertThat(github.job(olderOfA).orElseThrow().runnerName()).isEqualTo("ghr-" + ofB + "-1");
    assertThat(github.job(ofB).orElseThrow().queued()).isTrue();
    assertThat(github.job(gpu).orElseThrow().queued()).isTrue();
  }

  @Test
  void selectingARepositoryLetsItsWaitingJobTakeAnIdleRunner() throws Exception {
    Repository app = github.addRepository(ORG + "/app", true);
    long id = createGroup(body("name", "gce", "visibility", "selected"));
    long job = github.queueJob(ORG + "/app", CPU);
    bootRunner("ghr-a", id);
    await(() -> "online".equals(runner("ghr-a").status()));
    assertThat(github.job(job).orElseThrow().queued()).isTrue();

    rest.put(GROUPS + "/" + id + "/repositories/" + app.id(), null);

    await(() -> "ghr-a".equals(github.job(job).orElseThrow().runnerName()));
  }

  @Test
  void aJobsWebhookNamesTheGroupOfTheRunnerThatTookIt() throws Exception {
    long id = createGroup(body("name", "gce"));
    long job = github.queueJob(ORG + "/app", CPU);

    bootRunner("ghr-a", id);

    await(() -> "ghr-a".equals(github.job(job).orElseThrow().runnerName()));
    JsonNode fetched = rest.json("/repos/" + ORG + "/app/actions/jobs/" + job);
    assertThat(fetched.path("runner_group_id").asLong()).isEqualTo(id);
    assertThat(fetched.path("runner_group_name").asString()).isEqualTo("gce");
  }

  // ---------------------------------------------------------------- helpers

  private long createGroup(Object body) {
    HttpResponse<String> created = rest.post(GROUPS, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Rest.read(created).path("id").asLong();
  }

  private HttpResponse<String> jitResponse(String name, long groupId) {
    return rest.post(
        "/orgs/" + ORG + "/actions/runners/generate-jitconfig",
        body("name", name, "runner_group_id", groupId, "labels", CPU));
  }

  private void bootRunner(String name, long groupId) {
    HttpResponse<String> jit = jitResponse(name, groupId);
    assertThat(jit.statusCode()).as(jit.body()).isEqualTo(201);
    github.bootRunner(Rest.read(jit).path("encoded_jit_config").asString(), name, () -> {});
  }

  private Runner runner(String name) {
    return github.runners().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }
}
