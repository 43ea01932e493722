package io.autorunner.handler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GitHubAppInstallationsTest {

  @RegisterExtension
  static WireMockExtension github =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String REPOSITORIES = "/installation/repositories";

  private final GitHubHttp http =
      new GitHubHttp(
          URI.create("http://127.0.0.1:" + github.getPort()),
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          GitHubHttp.DEFAULT_CACHE_BYTES);

  @Test
  void listsEveryRepositoryOfEveryInstallationWithThatInstallationsToken() {
    stubInstallations(
        installation(1, "acme", "Organization", null), installation(2, "alice", "User", null));
    stubRepositories(1, repository("acme/app", "acme", "Organization", true));
    stubRepositories(2, repository("alice/tool", "alice", "User", false));

    AppInstallations.RepositoryListing listing =
        installations(new FakeAppCredentials()).accessibleRepositories();

    assertThat(listing.failures()).isEmpty();
    assertThat(listing.repositories())
        .containsExactly(
            new AccessibleRepository("acme/app", "acme", 1, true),
            new AccessibleRepository("alice/tool", null, 2, false));
    github.verify(
        getRequestedFor(urlPathEqualTo("/app/installations"))
            .withHeader("Authorization", equalTo("Bearer " + FakeAppCredentials.JWT)));
  }

  @Test
  void readsEveryPageOfAnInstallationsRepositories() {
    stubInstallations(installation(1, "acme", "Organization", null));
    String firstPage =
        IntStream.rangeClosed(1, 100)
            .mapToObj(i -> repository("acme/r" + i, "acme", "Organization", true))
            .collect(Collectors.joining(","));
    github.stubFor(
        get(urlPathEqualTo(REPOSITORIES))
            .withQueryParam("page", equalTo("1"))
            .willReturn(okJson("{\"total_count\": 101, \"repositories\": [" + firstPage + "]}")));
    github.stubFor(
        get(urlPathEqualTo(REPOSITORIES))
            .withQueryParam("page", equalTo("2"))
            .willReturn(
                okJson(
                    "{\"total_count\": 101, \"repositories\": ["
                        + repository("acme/last", "acme", "Organization", false)
                        + "]}")));

    assertThat(installations(new FakeAppCredentials()).accessibleRepositories().repositories())
        .hasSize(101)
        .last()
        .extracting(AccessibleRepository::fullName)
        .isEqualTo("acme/last");
  }

  @Test
  void skipsSuspendedInstallations() {
    stubInstallations(installation(1, "acme", "Organization", "\"2030-01-01T00:00:00Z\""));

    assertThat(installations(new FakeAppCredentials()).accessibleRepositories().repositories())
        .isEmpty();
    github.verify(0, getRequestedFor(urlPathEqualTo(REPOSITORIES)));
  }

  @Test
  void anInstallationThatCannotBeListedIsReportedAndTheOthersStillListed() {
    stubInstallations(
        installation(1, "acme", "Organization", null),
        installation(2, "beta", "Organization", null));
    stubRepositories(2, repository("beta/app", "beta", "Organization", true));

    AppInstallations.RepositoryListing listing =
        installations(new FakeAppCredentials(1L)).accessibleRepositories();

    assertThat(listing.repositories())
        .extracting(AccessibleRepository::fullName)
        .containsExactly("beta/app");
    assertThat(listing.failures())
        .singleElement()
        .isInstanceOf(GitHubException.Permanent.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("installation 1");
  }

  @Test
  void unchangedListingsAreNotModifiedAndKeptApartPerInstallation() {
    stubInstallations(
        installation(1, "acme", "Organization", null),
        installation(2, "beta", "Organization", null));
    stubEtaggedRepositories(1, "\"one\"", repository("acme/app", "acme", "Organization", true));
    stubEtaggedRepositories(2, "\"two\"", repository("beta/app", "beta", "Organization", true));
    AppInstallations installations = installations(new FakeAppCredentials());
    installations.accessibleRepositories();

    GitHubCalls.Measured<AppInstallations.RepositoryListing> again =
        GitHubCalls.measure(installations::accessibleRepositories);

    assertThat(again.value().repositories())
        .extracting(AccessibleRepository::fullName)
        .containsExactly("acme/app", "beta/app");
    // The installations listing carries no ETag here; both repository listings answer 304.
    assertThat(again.calls().calls()).isEqualTo(3);
    assertThat(again.calls().notModified()).isEqualTo(2);
  }

  @Test
  void aStaticTokenHasNoInstallationsToList() {
    AppInstallations installations = installations(new StaticTokenCredentials("ghp_token"));

    assertThat(installations.installations()).isEmpty();
    assertThat(installations.accessibleRepositories().repositories()).isEmpty();
    github.verify(0, anyRequestedFor(anyUrl()));
  }

  private AppInstallations installations(GitHubCredentials credentials) {
    return new AppInstallations(http, credentials);
  }

  private static void stubInstallations(String... installations) {
    github.stubFor(
        get(urlPathEqualTo("/app/installations"))
            .withHeader("Authorization", equalTo("Bearer " + FakeAppCredentials.JWT))
            .willReturn(okJson("[" + String.join(",", installations) + "]")));
  }

  private static void stubRepositories(long installation, String... repositories) {
    github.stubFor(
        get(urlPathEqualTo(REPOSITORIES))
            .withHeader("Authorization", equalTo("Bearer ghs_" + installation))
            .willReturn(okJson(repositoryPage(repositories))));
  }

  private static void stubEtaggedRepositories(
      long installation, String etag, String... repositories) {
    github.stubFor(
        get(urlPathEqualTo(REPOSITORIES))
            .withHeader("Authorization", equalTo("Bearer ghs_" + installation))
            .withHeader("If-None-Match", absent())
            .willReturn(okJson(repositoryPage(repositories)).withHeader("ETag", etag)));
    github.stubFor(
        get(urlPathEqualTo(REPOSITORIES))
            .withHeader("Authorization", equalTo("Bearer ghs_" + installation))
            .withHeader("If-None-Match", equalTo(etag))
            .willReturn(aResponse().withStatus(304)));
  }

  private static String repositoryPage(String... repositories) {
    return "{\"total_count\": "
        + repositories.length
        + ", \"repositories\": ["
        + String.join(",", repositories)
        + "]}";
  }

  private static String installation(long id, String login, String type, String suspendedAt) {
    return """
        {"id": %d, "account": {"login": "%s", "type": "%s"}, "target_type": "%s",
         "suspended_at": %s}
        """
        .formatted(id, login, type, type, suspendedAt);
  }

  private static String repository(String fullName, String owner, String type, boolean isPrivate) {
    return """
        {"id": %d, "full_name": "%s", "private": %s, "owner": {"login": "%s", "type": "%s"}}
        """
        .formatted(Math.abs(fullName.hashCode()), fullName, isPrivate, owner, type);
  }
}
