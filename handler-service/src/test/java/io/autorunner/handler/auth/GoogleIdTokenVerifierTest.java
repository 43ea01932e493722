package io.autorunner.handler.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.autorunner.handler.auth.TestTokens.AUDIENCE;
import static io.autorunner.handler.auth.TestTokens.INVOKER;
import static io.autorunner.handler.auth.TestTokens.NOW;
import static io.autorunner.handler.auth.TestTokens.bearer;
import static io.autorunner.handler.auth.TestTokens.invokerClaims;
import static io.autorunner.handler.auth.TestTokens.jwks;
import static io.autorunner.handler.auth.TestTokens.rsaKey;
import static io.autorunner.handler.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GoogleIdTokenVerifierTest {

  private static final String CERTS = "/oauth2/v3/certs";
  private static final RSAKey GOOGLE_KEY = rsaKey("google-key-1");

  private static WireMockServer google;

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private GoogleIdTokenVerifier verifier;

  @BeforeAll
  static void startFakeGoogle() {
    google = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    google.start();
  }

  @AfterAll
  static void stopFakeGoogle() {
    google.stop();
  }

  @BeforeEach
  void publishKeys() {
    google.resetAll();
    serveKeys(GOOGLE_KEY);
    verifier = verifierFor(AUDIENCE, INVOKER);
  }

  @Test
  void acceptsInvokerTokenSignedByGoogle() {
    CallerCheck check = verifier.verify(bearer(sign(GOOGLE_KEY, invokerClaims().build())));

    assertThat(check).isEqualTo(new CallerCheck.Accepted(INVOKER));
  }

  @Test
  void acceptsIssuerWithoutScheme() {
    String token = sign(GOOGLE_KEY, invokerClaims().issuer("accounts.google.com").build());

    assertThat(verifier.verify(bearer(token))).isInstanceOf(CallerCheck.Accepted.class);
  }

  @Test
  void acceptsTokenAmongSeveralAudiencesAndLowerCaseBearerScheme() {
    String token = sign(GOOGLE_KEY, invokerClaims().audience(List.of("other", AUDIENCE)).build());

    assertThat(verifier.verify("bearer  " + token)).isInstanceOf(CallerCheck.Accepted.class);
  }

  @Test
  void refusesExpiredTokenAs401() {
    String token =
        sign(GOOGLE_KEY, invokerClaims().expirationTime(Date.from(NOW.minusSeconds(31))).build());

    CallerCheck check = verifier.verify(bearer(token));

    assertThat(check).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(((CallerCheck.Refused) check).reason()).contains("expired");
    assertThat(check.httpStatus()).isEqualTo(401);
  }

  @Test
  void toleratesSmallClockSkewOnExpiry() {
    String token =
        sign(GOOGLE_KEY, invokerClaims().expirationTime(Date.from(NOW.minusSeconds(20))).build());

    assertThat(verifier.verify(bearer(token))).isInstanceOf(CallerCheck.Accepted.class);
  }

  @Test
  void refusesTokenIssuedInTheFuture() {
    String token =
        sign(
            GOOGLE_KEY,
            invokerClaims()
                .issueTime(Date.from(NOW.plusSeconds(600)))
                .expirationTime(Date.from(NOW.plusSeconds(4200)))
                .build());

    assertThat(verifier.verify(bearer(token))).isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void refusesTokenWithoutExpiry() {
    String token = sign(GOOGLE_KEY, invokerClaims().expirationTime(null).build());

    assertThat(verifier.verify(bearer(token))).isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void refusesWrongAudienceAs401() {
    String token =
        sign(GOOGLE_KEY, invokerClaims().audience("https://someone-else.run.app").build());

    CallerCheck check = verifier.verify(bearer(token));

    assertThat(check).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(((CallerCheck.Refused) check).reason()).contains("audience");
  }

  @Test
  void refusesUnknownIssuerAs401() {
    String token = sign(GOOGLE_KEY, invokerClaims().issuer("https://evil.example").build());

    CallerCheck check = verifier.verify(bearer(token));

    assertThat(check).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(((CallerCheck.Refused) check).reason()).contains("issuer");
  }

  @Test
  void refusesAnotherServiceAccountAs403() {
    String token =
        sign(
            GOOGLE_KEY,
            invokerClaims().claim("email", "intruder@other.iam.gserviceaccount.com").build());

    CallerCheck check = verifier.verify(bearer(token));

    assertThat(check).isInstanceOf(CallerCheck.Forbidden.class);
    assertThat(check.httpStatus()).isEqualTo(403);
    assertThat(((CallerCheck.Refused) check).reason())
        .contains("intruder@other.iam.gserviceaccount.com");
  }

  @Test
  void refusesUnverifiedEmailAs403() {
    String token = sign(GOOGLE_KEY, invokerClaims().claim("email_verified", false).build());

    assertThat(verifier.verify(bearer(token))).isInstanceOf(CallerCheck.Forbidden.class);
  }

  @Test
  void refusesTokenWithoutEmailAs403() {
    String token = sign(GOOGLE_KEY, invokerClaims().claim("email", null).build());

    assertThat(verifier.verify(bearer(token))).isInstanceOf(CallerCheck.Forbidden.class);
  }

  @Test
  void refusesTokenSignedByAnotherKeyUnderGooglesKeyId() {
    RSAKey impostor = rsaKey(GOOGLE_KEY.getKeyID());
    String token = sign(impostor, invokerClaims().build());

    CallerCheck check = verifier.verify(bearer(token));

    assertThat(check).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(((CallerCheck.Refused) check).reason()).contains("signature");
  }

  @Test
  void refusesTamperedClaims() {
    String token =
        sign(
            GOOGLE_KEY,
            invokerClaims().claim("email", "intruder@x.iam.gserviceaccount.com").build());
    String[] parts = token.split("\\.");
    String forgedPayload =
        Base64URL.encode(invokerClaims().build().toString().getBytes(StandardCharsets.UTF_8))
            .toString();

    CallerCheck check = verifier.verify(bearer(parts[0] + "." + forgedPayload + "." + parts[2]));

    assertThat(check).isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void refusesHmacTokenKeyedWithThePublicKey() {
    // The classic algorithm confusion: HS256 "signed" with bytes an attacker can know.
    byte[] secret = GOOGLE_KEY.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    String token = TestTokens.signHs256(secret, GOOGLE_KEY.getKeyID(), invokerClaims().build());

    assertThat(verifier.verify(bearer(token))).isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void refusesUnsignedToken() {
    String header = Base64URL.encode("{\"alg\":\"none\"}").toString();
    String payload = Base64URL.encode(invokerClaims().build().toString()).toString();

    assertThat(verifier.verify(bearer(header + "." + payload + ".")))
        .isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void refusesSignatureStrippedByCloudRunAndSaysWhichModeFits() {
    String token =
        TestTokens.stripped(
            sign(GOOGLE_KEY, invokerClaims().build()), ".SIGNATURE_REMOVED_BY_GOOGLE");

    CallerCheck check = verifier.verify(bearer(token));

    assertThat(check).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(((CallerCheck.Refused) check).reason()).contains("cloud-run-iam");
  }

  @Test
  void refusesMissingHeader() {
    assertThat(verifier.verify(null))
        .isEqualTo(new CallerCheck.Unauthenticated("no Authorization header"));
    assertThat(verifier.verify("  ")).isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void refusesMalformedHeaders() {
    String token = sign(GOOGLE_KEY, invokerClaims().build());

    assertThat(verifier.verify("Basic dXNlcjpwYXNz"))
        .isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(verifier.verify(token)).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(verifier.verify("Bearer")).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(verifier.verify("Bearer not-a-jwt")).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(verifier.verify("Bearer a.b.c")).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(verifier.verify("Bearer " + token + " extra"))
        .isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void ignoresServerlessAuthorizationHeader() {
    String invoker = bearer(sign(GOOGLE_KEY, invokerClaims().build()));
    String intruder =
        bearer(
            sign(
                GOOGLE_KEY,
                invokerClaims().claim("email", "intruder@x.iam.gserviceaccount.com").build()));

    assertThat(verifier.verify(invoker, intruder)).isInstanceOf(CallerCheck.Accepted.class);
    assertThat(verifier.verify(null, invoker)).isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void reasonsNeverContainTheToken() {
    RSAKey impostor = rsaKey(GOOGLE_KEY.getKeyID());
    List<String> tokens =
        List.of(
            sign(
                GOOGLE_KEY,
                invokerClaims().expirationTime(Date.from(NOW.minusSeconds(3600))).build()),
            sign(GOOGLE_KEY, invokerClaims().audience("x").build()),
            sign(GOOGLE_KEY, invokerClaims().issuer("y").build()),
            sign(GOOGLE_KEY, invokerClaims().claim("email", "z@x").build()),
            sign(impostor, invokerClaims().build()));

    for (String token : tokens) {
      CallerCheck.Refused refused = (CallerCheck.Refused) verifier.verify(bearer(token));
      String signature = token.substring(token.lastIndexOf('.') + 1);
      assertThat(refused.reason()).doesNotContain(token).doesNotContain(signature);
      assertThat(refused.toString()).doesNotContain(signature);
    }
  }

  @Test
  void fetchesKeysOnceAndServesLaterTokensFromCache() {
    String token = bearer(sign(GOOGLE_KEY, invokerClaims().build()));

    verifier.verify(token);
    verifier.verify(token);
    verifier.verify(token);

    google.verify(1, getRequestedFor(urlEqualTo(CERTS)));
  }

  @Test
  void refetchesKeysWhenGoogleSignsWithANewKey() {
    assertThat(verifier.verify(bearer(sign(GOOGLE_KEY, invokerClaims().build()))))
        .isInstanceOf(CallerCheck.Accepted.class);
    RSAKey rotated = rsaKey("google-key-2");
    serveKeys(GOOGLE_KEY, rotated);

    CallerCheck check = verifier.verify(bearer(sign(rotated, invokerClaims().build())));

    assertThat(check).isInstanceOf(CallerCheck.Accepted.class);
    google.verify(2, getRequestedFor(urlEqualTo(CERTS)));
  }

  @Test
  void refusesTokenWithKeyIdGoogleDoesNotPublish() {
    CallerCheck check = verifier.verify(bearer(sign(rsaKey("made-up"), invokerClaims().build())));

    assertThat(check).isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void answersUnavailableWhenKeysCannotBeFetched() {
    google.resetAll();
    google.stubFor(get(CERTS).willReturn(aResponse().withStatus(500)));

    CallerCheck check = verifier.verify(bearer(sign(GOOGLE_KEY, invokerClaims().build())));

    assertThat(check).isInstanceOf(CallerCheck.Unavailable.class);
    assertThat(check.httpStatus()).isEqualTo(503);
  }

  @Test
  void answersUnavailableQuicklyWhenKeyEndpointHangs() {
    google.resetAll();
    google.stubFor(
        get(CERTS).willReturn(aResponse().withFixedDelay(10_000).withBody(jwks(GOOGLE_KEY))));

    long start = System.nanoTime();
    CallerCheck check = verifier.verify(bearer(sign(GOOGLE_KEY, invokerClaims().build())));

    assertThat(check).isInstanceOf(CallerCheck.Unavailable.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
  }

  private GoogleIdTokenVerifier verifierFor(String audience, String invoker) {
    return GoogleIdTokenVerifier.fetchingKeysFrom(
        URI.create(google.baseUrl() + CERTS), audience, invoker, clock);
  }

  private static void serveKeys(RSAKey... keys) {
    google.stubFor(
        get(CERTS)
            .willReturn(
                aResponse().withHeader("Content-Type", "application/json").withBody(jwks(keys))));
  }
}
