package io.autorunner.handler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.testing.MutableClock;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class GitHubAppCredentialsTest {

  @RegisterExtension
  static WireMockExtension github =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final long APP_ID = 123456;
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final String APP_JWT = "Bearer [\\w-]+\\.[\\w-]+\\.[\\w-]+";
  private static final String TOKENS = "/app/installations/555/access_tokens";

  private static KeyPair keys;
  private final MutableClock clock = new MutableClock(NOW);

  @BeforeAll
  static void generateKey() {
    keys = TestKeys.rsa();
  }

  @BeforeEach
  void stubTheApp() {
    // Every App endpoint answers only to a JWT; anything else falls through to WireMock's 404.
    github.stubFor(
        get("/app")
            .withHeader("Authorization", matching(APP_JWT))
            .willReturn(okJson("{\"id\": " + APP_ID + ", \"slug\": \"autorunner\"}")));
    github.stubFor(
        get("/app/installations/555")
            .withHeader("Authorization", matching(APP_JWT))
            .willReturn(okJson(installation(555, "acme"))));
  }

  @Test
  void exchangesAnAppJwtSignedWithAPkcs1KeyForAnInstallationToken() throws Exception {
    stubTokens(555, token("ghs_first", NOW.plus(Duration.ofHours(1))));

    String token = credentials(TestKeys.pkcs1Pem(keys)).token(job("acme", 555L));

    assertThat(token).isEqualTo("ghs_first");
    LoggedRequest exchange =
        github.findAll(postRequestedFor(urlPathEqualTo(TOKENS))).stream().findFirst().orElseThrow();
    SignedJWT jwt = SignedJWT.parse(exchange.getHeader("Authorization").substring(7));
    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()))).isTrue();
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(Long.toString(APP_ID));
    assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isBefore(NOW);
    assertThat(
            Duration.between(
                jwt.getJWTClaimsSet().getIssueTime().toInstant(),
                jwt.getJWTClaimsSet().getExpirationTime().toInstant()))
        .isLessThanOrEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void acceptsAPkcs8KeyFromAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("app.pem");
    Files.writeString(file, TestKeys.pkcs8Pem(keys));
    stubTokens(555, token("ghs_from_file", NOW.plus(Duration.ofHours(1))));

    assertThat(credentials(file.toString()).token(job("acme", 555L))).isEqualTo("ghs_from_file");
  }

  @Test
  void cachesTheTokenUntilFiveMinutesBeforeItExpires() {
    github.stubFor(
        post(TOKENS)
            .inScenario("tokens")
            .whenScenarioStateIs(Scenario.STARTED)
            .withHeader("Authorization", matching(APP_JWT))
            .willReturn(token("ghs_first", NOW.plus(Duration.ofHours(1))))
            .willSetStateTo("first issued"));
    github.stubFor(
        post(TOKENS)
            .inScenario("tokens")
            .whenScenarioStateIs("first issued")
            .withHeader("Authorization", matching(APP_JWT))
            .willReturn(token("ghs_second", NOW.plus(Duration.ofHours(2)))));
    GitHubAppCredentials credentials = credentials(TestKeys.pkcs1Pem(keys));

    assertThat(credentials.token(job("acme", 555L))).isEqualTo("ghs_first");
    clock.set(NOW.plus(Duration.ofMinutes(54)).plusSeconds(59));
    assertThat(credentials.token(job("acme", 555L))).isEqualTo("ghs_first");
    github.verify(1, postRequestedFor(urlPathEqualTo(TOKENS)));

    clock.set(NOW.plus(Duration.ofMinutes(55)));
    assertThat(credentials.token(job("acme", 555L))).isEqualTo("ghs_second");
    github.verify(2, postRequestedFor(urlPathEqualTo(TOKENS)));
  }

  @Test
  void looksUpTheOrganisationInstallationWhenTheTaskHasNone() {
    github.stubFor(
        get("/orgs/acme/installation")
            .withHeader("Authorization", matching(APP_JWT))
            .willReturn(okJson(installation(555, "acme"))));
    stubTokens(555, token("ghs_org", NOW.plus(Duration.ofHours(1))));
    GitHubAppCredentials credentials = credentials(TestKeys.pkcs1Pem(keys));

    assertThat(credentials.token(job("acme", null))).isEqualTo("ghs_org");
    assertThat(credentials.token(job("acme", null))).isEqualTo("ghs_org");

    github.verify(1, getRequestedFor(urlPathEqualTo("/orgs/acme/installation")));
    github.verify(1, postRequestedFor(urlPathEqualTo(TOKENS)));
  }

  @Test
  void organisationTokenComesFromTheOrganisationsInstallation() {
    github.stubFor(
        get("/orgs/acme/installation")
            .withHeader("Authorization", matching(APP_JWT))
            .willReturn(okJson(installation(555, "acme"))));
    stubTokens(555, token("ghs_org", NOW.plus(Duration.ofHours(1))));

    assertThat(credentials(TestKeys.pkcs1Pem(keys)).organizationToken("acme")).isEqualTo("ghs_org");
  }

  @Test
  void tokenExchangesCountAsGitHubCalls() {
    stubTokens(555, token("ghs_first", NOW.plus(Duration.ofHours(1))));
    GitHubAppCredentials credentials = credentials(TestKeys.pkcs1Pem(keys));

    GitHubCalls.Measured<String> measured =
        GitHubCalls.measure(() -> credentials.installationToken(555));

    assertThat(measured.value()).isEqualTo("ghs_first");
    // GET /app, GET /app/installations/555, POST …/access_tokens
    assertThat(measured.calls().calls()).isEqualTo(3);
  }

  @Test
  void theAppsJwtIsSignedWithItsKey() throws Exception {
    SignedJWT jwt = SignedJWT.parse(credentials(TestKeys.pkcs1Pem(keys)).app().orElseThrow().jwt());

    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(Long.toString(APP_ID));
  }

  @Test
  void looksUpTheUserInstallationForAUserRepository() {
    github.stubFor(
        get("/users/alice/installation")
            .withHeader("Authorization", matching(APP_JWT))
            .willReturn(okJson(installation(777, "alice"))));
    github.stubFor(
        get("/app/installations/777")
            .withHeader("Authorization", matching(APP_JWT))
            .willReturn(okJson(installation(777, "alice"))));
    stubTokens(777, token("ghs_user", NOW.plus(Duration.ofHours(1))));

    JobRef userJob = new JobRef(43, 8, 1, "alice/tool", null, null);

    assertThat(credentials(TestKeys.pkcs1Pem(keys)).token(userJob)).isEqualTo("ghs_user");
    github.verify(0, getRequestedFor(urlPathEqualTo("/orgs/alice/installation")));
  }

  @Test
  void anOwnerWithoutTheAppInstalledIsPermanent() {
    github.stubFor(
        get("/orgs/elsewhere/installation")
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"message\": \"Not Found\"}")));

    assertThatThrownBy(() -> credentials(TestKeys.pkcs1Pem(keys)).token(job("elsewhere", null)))
        .isInstanceOf(GitHubException.Permanent.class)
        .hasMessageContaining("elsewhere");
  }

  @Test
  void aFailedExchangeIsTransientAndCachesNothing() {
    github.stubFor(
        post(TOKENS)
            .inScenario("outage")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503).withBody("{\"message\": \"Unavailable\"}"))
            .willSetStateTo("recovered"));
    github.stubFor(
        post(TOKENS)
            .inScenario("outage")
            .whenScenarioStateIs("recovered")
            .willReturn(token("ghs_after_outage", NOW.plus(Duration.ofHours(1)))));
    GitHubAppCredentials credentials = credentials(TestKeys.pkcs1Pem(keys));

    assertThatThrownBy(() -> credentials.token(job("acme", 555L)))
        .isInstanceOf(GitHubException.Transient.class);
    assertThat(credentials.token(job("acme", 555L))).isEqualTo("ghs_after_outage");
  }

  @Test
  void aRateLimitedExchangeFailsAtOnceAsTransient() {
    // github-api's default handler would sleep until the limit resets; this one must not.
    stubTokens(
        555,
        aResponse()
            .withStatus(403)
            .withHeader("Content-Type", "application/json")
            .withHeader("x-ratelimit-remaining", "0")
            .withHeader("x-ratelimit-limit", "5000")
            .withHeader("x-ratelimit-reset", Long.toString(NOW.plusSeconds(3600).getEpochSecond()))
            .withBody("{\"message\": \"API rate limit exceeded\"}"));

    assertThatThrownBy(() -> credentials(TestKeys.pkcs1Pem(keys)).token(job("acme", 555L)))
        .isInstanceOf(GitHubException.Transient.class);
  }

  @Test
  void theRunnerClientCallsGitHubWithTheInstallationToken() {
    stubTokens(555, token("ghs_runner", NOW.plus(Duration.ofHours(1))));
    github.stubFor(
        get("/repos/acme/app/actions/jobs/42")
            .withHeader("Authorization", equalTo("Bearer ghs_runner"))
            .willReturn(okJson("{\"id\": 42, \"status\": \"queued\"}")));
    GitHubRunnerClient client =
        new GitHubRunnerClient(
            URI.create(apiUrl()),
            1,
            credentials(TestKeys.pkcs1Pem(keys)),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5));

    assertThat(client.job(job("acme", 555L))).map(JobStatus::awaitingRunner).contains(true);
  }

  @Test
  void neverPrintsTheKey() {
    String pem = TestKeys.pkcs1Pem(keys);

    assertThat(credentials(pem).toString()).doesNotContain(pem.substring(40, 80));
  }

  private GitHubAppCredentials credentials(String pemOrPath) {
    return new GitHubAppCredentials(URI.create(apiUrl()), APP_ID, pemOrPath, clock);
  }

  private static String apiUrl() {
    return "http://127.0.0.1:" + github.getPort();
  }

  private static void stubTokens(long installationId, ResponseDefinitionBuilder answer) {
    github.stubFor(
        post("/app/installations/" + installationId + "/access_tokens")
            .withHeader("Authorization", matching(APP_JWT))
            .willReturn(answer));
  }

  private static JobRef job(String organization, Long installationId) {
    return new JobRef(42, 7, 1, organization + "/app", organization, installationId);
  }

  private static String installation(long id, String login) {
    return """
        {"id": %d, "app_id": %d, "target_type": "Organization",
         "account": {"login": "%s", "id": 1},
         "access_tokens_url": "https://api.github.com/app/installations/%d/access_tokens"}
        """
        .formatted(id, APP_ID, login, id);
  }

  private static ResponseDefinitionBuilder token(String token, Instant expiresAt) {
    return aResponse()
        .withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(
            """
            {"token": "%s", "expires_at": "%s", "permissions": {"organization_self_hosted_runners": "write"},
             "repository_selection": "all"}
            """
                .formatted(token, expiresAt));
  }
}
