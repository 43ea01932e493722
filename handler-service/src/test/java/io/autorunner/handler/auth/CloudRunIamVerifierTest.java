package io.autorunner.handler.auth;

import static io.autorunner.handler.auth.TestTokens.AUDIENCE;
import static io.autorunner.handler.auth.TestTokens.INVOKER;
import static io.autorunner.handler.auth.TestTokens.NOW;
import static io.autorunner.handler.auth.TestTokens.bearer;
import static io.autorunner.handler.auth.TestTokens.invokerClaims;
import static io.autorunner.handler.auth.TestTokens.rsaKey;
import static io.autorunner.handler.auth.TestTokens.sign;
import static io.autorunner.handler.auth.TestTokens.stripped;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Date;
import org.junit.jupiter.api.Test;

class CloudRunIamVerifierTest {

  /** Any key: in this mode Cloud Run checked the signature and the handler never sees it. */
  private static final RSAKey KEY = rsaKey("k");

  private final CloudRunIamVerifier verifier =
      new CloudRunIamVerifier(AUDIENCE, INVOKER, Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void acceptsInvokerTokenWhoseSignatureCloudRunRemoved() {
    String token = stripped(sign(KEY, invokerClaims().build()), ".SIGNATURE_REMOVED_BY_GOOGLE");

    assertThat(verifier.verify(bearer(token))).isEqualTo(new CallerCheck.Accepted(INVOKER));
  }

  @Test
  void acceptsTokenWithEmptyOrMissingSignatureOrAFullOne() {
    String full = sign(KEY, invokerClaims().build());

    assertThat(verifier.verify(bearer(stripped(full, "."))))
        .isInstanceOf(CallerCheck.Accepted.class);
    assertThat(verifier.verify(bearer(stripped(full, ""))))
        .isInstanceOf(CallerCheck.Accepted.class);
    assertThat(verifier.verify(bearer(full))).isInstanceOf(CallerCheck.Accepted.class);
  }

  @Test
  void refusesAnotherServiceAccountAs403() {
    String token =
        strippedToken(invokerClaims().claim("email", "intruder@other.iam.gserviceaccount.com"));

    assertThat(verifier.verify(bearer(token))).isInstanceOf(CallerCheck.Forbidden.class);
  }

  @Test
  void refusesExpiredTokenAs401() {
    String token = strippedToken(invokerClaims().expirationTime(Date.from(NOW.minusSeconds(600))));

    CallerCheck check = verifier.verify(bearer(token));

    assertThat(check).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(((CallerCheck.Refused) check).reason()).contains("expired");
  }

  @Test
  void refusesWrongAudienceAndIssuerAs401() {
    assertThat(
            verifier.verify(bearer(strippedToken(invokerClaims().audience("https://x.run.app")))))
        .isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(
            verifier.verify(bearer(strippedToken(invokerClaims().issuer("https://sts.example")))))
        .isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void refusesMissingAndMalformedCredentials() {
    assertThat(verifier.verify(null)).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(verifier.verify("Bearer onlyonepart"))
        .isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(verifier.verify("Bearer a.b.c.d")).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(verifier.verify("Bearer !!!.???.")).isInstanceOf(CallerCheck.Unauthenticated.class);
    assertThat(verifier.verify("Basic dXNlcjpwYXNz"))
        .isInstanceOf(CallerCheck.Unauthenticated.class);
  }

  @Test
  void judgesTheServerlessHeaderCloudRunAuthorizedWithWhenPresent() {
    // Cloud Run checks X-Serverless-Authorization and passes Authorization on unverified: a forged
    // Authorization naming the invoker must not win over the identity Cloud Run actually checked.
    String checkedByCloudRun =
        bearer(
            strippedToken(
                invokerClaims().claim("email", "other-invoker@p.iam.gserviceaccount.com")));
    String forged = bearer(strippedToken(invokerClaims()));

    assertThat(verifier.verify(forged, checkedByCloudRun))
        .isInstanceOf(CallerCheck.Forbidden.class);
    assertThat(verifier.verify(null, forged)).isInstanceOf(CallerCheck.Accepted.class);
  }

  private static String strippedToken(JWTClaimsSet.Builder claims) {
    return stripped(sign(KEY, claims.build()), ".SIGNATURE_REMOVED_BY_GOOGLE");
  }
}
