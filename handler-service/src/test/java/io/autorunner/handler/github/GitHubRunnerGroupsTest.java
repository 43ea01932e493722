package io.autorunner.handler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GitHubRunnerGroupsTest {

  @RegisterExtension
  static WireMockExtension github =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String GROUPS = "/orgs/acme/actions/runner-groups";
  private static final String GROUP_7 = GROUPS + "/7";
  private static final String GROUP_7_REPOSITORIES = GROUP_7 + "/repositories";
  private static final AllowLists ONLY_APP_AND_LIB =
      new AllowLists(List.of(), List.of("acme/app", "acme/lib"), false);
  private static final AllowLists ALL_OF_ACME = new AllowLists(List.of("acme"), List.of(), false);

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final GitHubHttp http =
      new GitHubHttp(URI.create(apiUrl()), Duration.ofSeconds(2), Duration.ofSeconds(5), 0);

  @Test
  void createsAMissingGroupAdmittingExactlyTheAllowListedRepositories() {
    stubGroups();
    stubRepository("acme/app", 11);
    stubRepository("acme/lib", 12);
    github.stubFor(post(GROUPS).willReturn(created(group(9, "autorunner", "selected", false))));

    GroupCheck check = groups(ONLY_APP_AND_LIB, true).check("acme");

    assertThat(check.outcome()).isEqualTo(GroupCheck.Outcome.CREATED);
    assertThat(check.groupId()).hasValue(9);
    github.verify(
        postRequestedFor(urlPathEqualTo(GROUPS))
            .withHeader("Authorization", equalTo("Bearer ghs_org_acme"))
            .withRequestBody(
                equalToJson(
                    """
                    {"name": "autorunner", "visibility": "selected",
                     "selected_repository_ids": [11, 12], "allows_public_repositories": false}
                    """)));
  }

  @Test
  void anAllowListedOwnerGetsAGroupOpenToEveryRepository() {
    stubGroups();
    github.stubFor(post(GROUPS).willReturn(created(group(9, "autorunner", "all", false))));

    assertThat(groups(ALL_OF_ACME, true).groupFor("acme")).isEqualTo(9);
    github.verify(
        postRequestedFor(urlPathEqualTo(GROUPS))
            .withRequestBody(
                equalToJson(
                    """
                    {"name": "autorunner", "visibility": "all",
                     "allows_public_repositories": false}
                    """)));
  }

  @Test
  void narrowsAGroupOpenToEveryRepositoryToTheAllowListedOnesVisibilityFirst() {
    stubGroups(group(7, "autorunner", "all", false));
    stubRepository("acme/app", 11);
    stubRepository("acme/lib", 12);
    github.stubFor(
        patch(urlPathEqualTo(GROUP_7))
            .willReturn(okJson(group(7, "autorunner", "selected", false))));
    github.stubFor(put(GROUP_7_REPOSITORIES).willReturn(aResponse().withStatus(204)));

    GroupCheck check = groups(ONLY_APP_AND_LIB, true).check("acme");

    assertThat(check.outcome()).isEqualTo(GroupCheck.Outcome.CORRECTED);
    assertThat(check.detail()).contains("every repository of the organisation");
    github.verify(
        patchRequestedFor(urlPathEqualTo(GROUP_7))
            .withRequestBody(
                equalToJson(
                    """
                    {"name": "autorunner", "visibility": "selected",
                     "allows_public_repositories": false}
                    """)));
    github.verify(
        putRequestedFor(urlPathEqualTo(GROUP_7_REPOSITORIES))
            .withRequestBody(equalToJson("{\"selected_repository_ids\": [11, 12]}")));
    assertThat(writesInOrder()).containsExactly("PATCH " + GROUP_7, "PUT " + GROUP_7_REPOSITORIES);
  }

  @Test
  void dropsRepositoriesThatAreNotAllowListedFromTheGroup() {
    stubGroups(group(7, "autorunner", "selected", false));
    stubGroupRepositories(
        repository(11, "acme/app"), repository(12, "acme/lib"), repository(99, "acme/secret"));
    stubRepository("acme/app", 11);
    stubRepository("acme/lib", 12);
    github.stubFor(put(GROUP_7_REPOSITORIES).willReturn(aResponse().withStatus(204)));

    GroupCheck check = groups(ONLY_APP_AND_LIB, true).check("acme");

    assertThat(check.outcome()).isEqualTo(GroupCheck.Outcome.CORRECTED);
    assertThat(check.detail()).contains("acme/secret");
    github.verify(
        putRequestedFor(urlPathEqualTo(GROUP_7_REPOSITORIES))
            .withRequestBody(equalToJson("{\"selected_repository_ids\": [11, 12]}")));
    github.verify(0, patchRequestedFor(urlPathEqualTo(GROUP_7)));
  }

  @Test
  void switchesOffPublicRepositoriesTheListsDoNotAllow() {
    stubGroups(group(7, "autorunner", "all", true));
    github.stubFor(
        patch(urlPathEqualTo(GROUP_7)).willReturn(okJson(group(7, "autorunner", "all", false))));

    assertThat(groups(ALL_OF_ACME, true).check("acme").outcome())
        .isEqualTo(GroupCheck.Outcome.CORRECTED);
    github.verify(
        patchRequestedFor(urlPathEqualTo(GROUP_7))
            .withRequestBody(
                equalToJson(
                    """
                    {"name": "autorunner", "visibility": "all",
                     "allows_public_repositories": false}
                    """)));
  }

  @Test
  void aGroupThatCannotBeNarrowedRefusesTheOrganisationsJitConfigs() {
    stubGroups(group(7, "autorunner", "all", false));
    stubRepository("acme/app", 11);
    stubRepository("acme/lib", 12);
    github.stubFor(
        patch(urlPathEqualTo(GROUP_7))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"message\": \"Resource not accessible by integration\"}")));
    RunnerGroups groups = groups(ONLY_APP_AND_LIB, true);
    GitHubRunnerClient client =
        new GitHubRunnerClient(
            http, new StaticTokenCredentials("ghs"), groups, clock, Duration.ofMinutes(15));

    assertThatThrownBy(
            () -> client.createJitRunner(orgJob(), "ghr-42-1", List.of("self-hosted", "gce")))
        .isInstanceOf(GitHubException.Permanent.class)
        .hasMessageContaining("acme: REFUSED runner group 'autorunner'")
        .hasMessageContaining("every repository of the organisation")
        .hasMessageContaining("Resource not accessible by integration")
        .hasMessageContaining("Self-hosted runners: write");
    github.verify(
        0, postRequestedFor(urlPathEqualTo("/orgs/acme/actions/runners/generate-jitconfig")));
  }

  @Test
  void anUnmanagedGroupThatAdmitsMoreIsRefusedAndLeftAlone() {
    stubGroups(group(7, "autorunner", "all", false));
    stubRepository("acme/app", 11);
    stubRepository("acme/lib", 12);

    GroupCheck check = groups(ONLY_APP_AND_LIB, false).check("acme");

    assertThat(check.outcome()).isEqualTo(GroupCheck.Outcome.REFUSED);
    assertThat(check.detail()).contains("narrow it to visibility selected (acme/app, acme/lib)");
    github.verify(0, patchRequestedFor(urlPathEqualTo(GROUP_7)));
    github.verify(0, putRequestedFor(urlPathEqualTo(GROUP_7_REPOSITORIES)));
  }

  @Test
  void anUnmanagedMissingGroupIsRefusedAndNotCreated() {
    stubGroups(group(1, "Default", "all", true));

    RunnerGroups groups = groups(ALL_OF_ACME, false);

    assertThatThrownBy(() -> groups.groupFor("acme"))
        .isInstanceOf(GitHubException.Permanent.class)
        .hasMessageContaining("no such group; create it with visibility all");
    github.verify(0, postRequestedFor(urlPathEqualTo(GROUPS)));
  }

  @Test
  void aGroupThatAdmitsLessIsUsedAsItIsAndReportedNeverWidened() {
    stubGroups(group(7, "autorunner", "selected", false));
    stubGroupRepositories(repository(11, "acme/app"));

    GroupCheck check = groups(ALL_OF_ACME, true).check("acme");

    assertThat(check.outcome()).isEqualTo(GroupCheck.Outcome.OK);
    assertThat(check.groupId()).hasValue(7);
    assertThat(check.detail()).contains("admits less than the allow-lists");
    github.verify(0, patchRequestedFor(urlPathEqualTo(GROUP_7)));
    github.verify(0, putRequestedFor(urlPathEqualTo(GROUP_7_REPOSITORIES)));
  }

  @Test
  void findsTheGroupByNameOnALaterPage() {
    String others =
        IntStream.rangeClosed(100, 199)
            .mapToObj(i -> group(i, "team-" + i, "all", false))
            .collect(Collectors.joining(","));
    github.stubFor(
        get(urlPathEqualTo(GROUPS))
            .withQueryParam("page", equalTo("1"))
            .willReturn(okJson("{\"total_count\": 101, \"runner_groups\": [" + others + "]}")));
    github.stubFor(
        get(urlPathEqualTo(GROUPS))
            .withQueryParam("page", equalTo("2"))
            .willReturn(
                okJson(
                    "{\"total_count\": 101, \"runner_groups\": ["
                        + group(7, "AutoRunner", "all", false)
                        + "]}")));

    assertThat(groups(ALL_OF_ACME, true).groupFor("acme")).isEqualTo(7);
  }

  @Test
  void aVerificationIsTrustedForItsTtlThenMadeAgain() {
    stubGroups(group(7, "autorunner", "all", false));
    RunnerGroups groups = groups(ALL_OF_ACME, true);

    groups.groupFor("acme");
    clock.advance(Duration.ofSeconds(59));
    groups.groupFor("acme");
    github.verify(1, getRequestedFor(urlPathEqualTo(GROUPS)));

    clock.advance(Duration.ofSeconds(2));
    groups.groupFor("acme");
    github.verify(2, getRequestedFor(urlPathEqualTo(GROUPS)));
  }

  @Test
  void userRepositoriesKeepTheRepositorysOwnGroupWithoutAskingGitHub() {
    JobRef userJob = new JobRef(43, 8, 1, "alice/tool", null, null);

    assertThat(groups(ALL_OF_ACME, true).groupFor(userJob)).isEqualTo(1);
    github.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void anOrganisationTheListsDoNotAdmitIsRefusedWithoutAskingGitHub() {
    GroupCheck check = groups(ALL_OF_ACME, true).check("elsewhere");

    assertThat(check.outcome()).isEqualTo(GroupCheck.Outcome.REFUSED);
    assertThat(check.detail()).contains("admit no repository of elsewhere");
    github.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void aCheckWhileGitHubFailsIsUnavailableAndIsNotRemembered() {
    github.stubFor(
        get(urlPathEqualTo(GROUPS))
            .inScenario("outage")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(502))
            .willSetStateTo("over"));
    github.stubFor(
        get(urlPathEqualTo(GROUPS))
            .inScenario("outage")
            .whenScenarioStateIs("over")
            .willReturn(okJson(groupPage(group(7, "autorunner", "all", false)))));
    RunnerGroups groups = groups(ALL_OF_ACME, true);

    assertThat(groups.check("acme").outcome()).isEqualTo(GroupCheck.Outcome.UNAVAILABLE);
    assertThat(groups.groupFor("acme")).isEqualTo(7);
  }

  @Test
  void aGroupAnotherInstanceCreatedMeanwhileIsVerifiedAndUsed() {
    github.stubFor(
        get(urlPathEqualTo(GROUPS))
            .inScenario("race")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(okJson(groupPage()))
            .willSetStateTo("created elsewhere"));
    github.stubFor(
        get(urlPathEqualTo(GROUPS))
            .inScenario("race")
            .whenScenarioStateIs("created elsewhere")
            .willReturn(okJson(groupPage(group(7, "autorunner", "all", false)))));
    github.stubFor(
        post(GROUPS)
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"message\": \"Name already exists\"}")));

    GroupCheck check = groups(ALL_OF_ACME, true).check("acme");

    assertThat(check.outcome()).isEqualTo(GroupCheck.Outcome.OK);
    assertThat(check.groupId()).hasValue(7);
  }

  @Test
  void checkingTheAllowedOwnersTellsOrganisationsFromUsers() {
    github.stubFor(
        get("/users/acme").willReturn(okJson("{\"login\": \"acme\", \"type\": \"Organization\"}")));
    github.stubFor(
        get("/users/alice").willReturn(okJson("{\"login\": \"alice\", \"type\": \"User\"}")));
    stubGroups(group(7, "autorunner", "all", false));
    AllowLists lists = new AllowLists(List.of("acme"), List.of("alice/tool"), false);

    List<GroupCheck> checks =
        groups(lists, true, new StaticTokenCredentials("ghs")).checkAllowedOwners();

    assertThat(checks)
        .extracting(GroupCheck::organization, GroupCheck::outcome)
        .containsExactly(
            tuple("acme", GroupCheck.Outcome.OK),
            tuple("alice", GroupCheck.Outcome.NOT_AN_ORGANIZATION));
  }

  @Test
  void checkingTheAllowedOwnersAsTheAppRefusesAnOwnerItIsNotInstalledOn() {
    github.stubFor(
        get(urlPathEqualTo("/app/installations"))
            .willReturn(
                okJson(
                    "[{\"id\": 1, \"account\": {\"login\": \"acme\", \"type\": \"Organization\"}}]")));
    stubGroups(group(7, "autorunner", "all", false));
    AllowLists lists = new AllowLists(List.of("acme", "beta"), List.of(), false);

    List<GroupCheck> checks = groups(lists, true).checkAllowedOwners();

    assertThat(checks)
        .extracting(GroupCheck::outcome)
        .containsExactly(GroupCheck.Outcome.OK, GroupCheck.Outcome.REFUSED);
    assertThat(checks.get(1).detail()).contains("not installed on beta");
  }

  private RunnerGroups groups(AllowLists lists, boolean manage) {
    return groups(lists, manage, new FakeAppCredentials());
  }

  private RunnerGroups groups(AllowLists lists, boolean manage, GitHubCredentials credentials) {
    return new RunnerGroups(
        http,
        credentials,
        new AppInstallations(http, credentials),
        new RunnerGroupPolicy(lists, null, manage),
        clock,
        RunnerGroups.DEFAULT_CACHE_TTL);
  }

  /** The PATCH and PUT requests GitHub received, oldest first. */
  private static List<String> writesInOrder() {
    // WireMock lists serve events newest first, in the order it received them.
    List<ServeEvent> newestFirst = new ArrayList<>(github.getAllServeEvents());
    Collections.reverse(newestFirst);
    return newestFirst.stream()
        .map(ServeEvent::getRequest)
        .filter(r -> List.of("PATCH", "PUT").contains(r.getMethod().getName()))
        .map(r -> r.getMethod().getName() + " " + r.getUrl())
        .toList();
  }

  private static void stubGroups(String... groups) {
    github.stubFor(get(urlPathEqualTo(GROUPS)).willReturn(okJson(groupPage(groups))));
  }

  private static void stubGroupRepositories(String... repositories) {
    github.stubFor(
        get(urlPathEqualTo(GROUP_7_REPOSITORIES))
            .willReturn(
                okJson(
                    "{\"total_count\": "
                        + repositories.length
                        + ", \"repositories\": ["
                        + String.join(",", repositories)
                        + "]}")));
  }

  private static void stubRepository(String fullName, long id) {
    github.stubFor(get("/repos/" + fullName).willReturn(okJson(repository(id, fullName))));
  }

  private static String groupPage(String... groups) {
    return "{\"total_count\": "
        + groups.length
        + ", \"runner_groups\": ["
        + String.join(",", groups)
        + "]}";
  }

  private static String group(long id, String name, String visibility, boolean allowsPublic) {
    return """
        {"id": %d, "name": "%s", "visibility": "%s", "default": false, "inherited": false,
         "allows_public_repositories": %s, "restricted_to_workflows": false,
         "runners_url": "https://api.github.com/orgs/acme/actions/runner-groups/%d/runners"}
        """
        .formatted(id, name, visibility, allowsPublic, id);
  }

  private static String repository(long id, String fullName) {
    return "{\"id\": %d, \"full_name\": \"%s\", \"private\": true}".formatted(id, fullName);
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder created(
      String body) {
    return aResponse()
        .withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  private static JobRef orgJob() {
    return new JobRef(42, 7, 1, "acme/app", "acme", 555L);
  }

  private static String apiUrl() {
    return "http://127.0.0.1:" + github.getPort();
  }
}
