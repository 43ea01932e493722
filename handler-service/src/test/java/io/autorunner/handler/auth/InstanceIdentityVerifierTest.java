package io.autorunner.handler.auth;

import static io.autorunner.handler.auth.InstanceTokens.AUDIENCE;
import static io.autorunner.handler.auth.InstanceTokens.PROJECT;
import static io.autorunner.handler.auth.InstanceTokens.RUNNERS_ACCOUNT;
import static io.autorunner.handler.auth.InstanceTokens.bearer;
import static io.autorunner.handler.auth.InstanceTokens.google;
import static io.autorunner.handler.auth.InstanceTokens.googleKeys;
import static io.autorunner.handler.auth.InstanceTokens.sign;
import static io.autorunner.handler.auth.InstanceTokens.stripped;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which instance identity tokens name a VM of ours, and how the others are refused. */
class InstanceIdentityVerifierTest {

  private static final Instant NOW = Instant.parse("2026-12-01T15:00:00Z");
  private static final String ZONE = "us-central1-b";
  private static final String NAME = "ghr-4242-1";
  private static final String ID = "9876543210123456789";

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final InstanceIdentityVerifier verifier =
      InstanceIdentityVerifier.signedBy(
          googleKeys(), AUDIENCE, PROJECT, Optional.of(RUNNERS_ACCOUNT), clock);

  @Test
  void aFullFormatTokenOfOurProjectNamesTheVm() {
    InstanceCheck check = verifier.verify(bearer(sign(vm().build())), null);

    assertThat(check)
        .isEqualTo(
            new InstanceCheck.Verified(
                new InstanceIdentity(PROJECT, ZONE, NAME, ID, Optional.of(RUNNERS_ACCOUNT))));
  }

  @Test
  void anInstanceIdWrittenAsANumberIsReadAsItsDigits() {
    Map<String, Object> compute =
        Map.of(
            "project_id", PROJECT,
            "zone", ZONE,
            "instance_name", NAME,
            "instance_id", 1234567890123L);

    InstanceCheck check =
        verifier.verify(
            bearer(sign(vm().claim("google", Map.of("compute_engine", compute)).build())), null);

    assertThat(verified(check).instanceId()).isEqualTo("1234567890123");
  }

  @Test
  void theRunnersAccountIsComparedAsAnEmailAddressIs() {
    String token = sign(vm().claim("email", RUNNERS_ACCOUNT.toUpperCase()).build());

    assertThat(verifier.verify(bearer(token), null)).isInstanceOf(InstanceCheck.Verified.class);
  }

  @Test
  void withoutAConfiguredAccountAnyAccountOfTheProjectIsTheVmsOwn() {
    InstanceIdentityVerifier anyAccount =
        InstanceIdentityVerifier.signedBy(googleKeys(), AUDIENCE, PROJECT, Optional.empty(), clock);
    String token = sign(vm().claim("email", "someone@my-project.iam.gserviceaccount.com").build());

    assertThat(anyAccount.verify(bearer(token), null)).isInstanceOf(InstanceCheck.Verified.class);
  }

  @Test
  void anUnsignedTokenIsRefused401() {
    String none = new PlainJWT(vm().build()).serialize();
    String emptySignature = stripped(sign(vm().build())).replace("SIGNATURE_REMOVED_BY_GOOGLE", "");

    assertRefused(verifier.verify(bearer(none), null), 401, "");
    assertRefused(verifier.verify(bearer(emptySignature), null), 401, "no signature");
    assertRefused(verifier.verify(bearer(stripped(sign(vm().build()))), null), 401, "signature");
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefused401() {
    String forged = InstanceTokens.sign(InstanceTokens.otherKey(), vm().build());

    assertRefused(verifier.verify(bearer(forged), null), 401, "signature not accepted");
  }

  @Test
  void aTokenForAnotherAudienceIsRefused401() {
    String token = sign(vm().audience("https://someone-else.example").build());

    assertRefused(verifier.verify(bearer(token), null), 401, "audience");
  }

  @Test
  void aTokenFromAnotherIssuerIsRefused401() {
    String token = sign(vm().issuer("https://evil.example").build());

    assertRefused(verifier.verify(bearer(token), null), 401, "issuer");
  }

  @Test
  void anExpiredTokenIsRefused401() {
    String token =
        sign(
            vm().issueTime(Date.from(NOW.minusSeconds(7200)))
                .expirationTime(Date.from(NOW.minusSeconds(3600)))
                .build());

    assertRefused(verifier.verify(bearer(token), null), 401, "expired");
  }

  @Test
  void aVmOfAnotherProjectIsRefused403() {
    String token = sign(vm().claim("google", google("other-project", ZONE, NAME, ID)).build());

    assertRefused(verifier.verify(bearer(token), null), 403, "other-project");
  }

  @Test
  void aTokenWithoutTheComputeEngineClaimIsRefused401() {
    // format=standard, or any other Google ID token for this audience (a person's, a CI's).
    JWTClaimsSet standard = new JWTClaimsSet.Builder(vm().build()).claim("google", null).build();

    assertRefused(verifier.verify(bearer(sign(standard)), null), 401, "google.compute_engine");
  }

  @Test
  void aComputeEngineClaimWithoutTheInstanceIdIsRefused401() {
    Map<String, Object> partial =
        Map.of("project_id", PROJECT, "zone", ZONE, "instance_name", NAME);
    String token = sign(vm().claim("google", Map.of("compute_engine", partial)).build());

    assertRefused(verifier.verify(bearer(token), null), 401, "instance_id");
  }

  @Test
  void aVmRunningAsAnotherServiceAccountIsRefused403WhenTheRunnersAccountIsConfigured() {
    String token = sign(vm().claim("email", "owner-sa@my-project.iam.gserviceaccount.com").build());

    assertRefused(verifier.verify(bearer(token), null), 403, "owner-sa@");
  }

  @Test
  void noTokenAtAllIsRefused401() {
    assertRefused(verifier.verify(null, null), 401, "");
    assertRefused(verifier.verify("Basic dXNlcjpwYXNz", null), 401, "");
  }

  @Test
  void behindCloudRunIamTheClaimsAreReadWithoutASignature() {
    InstanceIdentityVerifier behindIam =
        InstanceIdentityVerifier.behindCloudRunIam(
            AUDIENCE, PROJECT, Optional.of(RUNNERS_ACCOUNT), clock);
    String token = stripped(sign(vm().build()));

    assertThat(verified(behindIam.verify(bearer(token), null)).instanceName()).isEqualTo(NAME);
    // Cloud Run checked X-Serverless-Authorization when both are sent; Authorization is then the
    // caller's own and unverified.
    String other = stripped(sign(vm().claim("google", google(PROJECT, ZONE, "x", "1")).build()));
    assertThat(verified(behindIam.verify(bearer(other), bearer(token))).instanceName())
        .isEqualTo(NAME);
  }

  @Test
  void behindCloudRunIamEveryClaimIsStillJudged() {
    InstanceIdentityVerifier behindIam =
        InstanceIdentityVerifier.behindCloudRunIam(
            AUDIENCE, PROJECT, Optional.of(RUNNERS_ACCOUNT), clock);

    assertRefused(
        behindIam.verify(
            bearer(stripped(sign(vm().claim("google", google("p2", ZONE, NAME, ID)).build()))),
            null),
        403,
        "p2");
    assertRefused(
        behindIam.verify(
            bearer(stripped(sign(vm().audience("https://someone-else.example").build()))), null),
        401,
        "audience");
    assertRefused(behindIam.verify(bearer("not-a-jwt"), null), 401, "malformed");
  }

  @Test
  void reasonsNeverCarryTheToken() {
    String token = sign(vm().claim("google", google("other-project", ZONE, NAME, ID)).build());

    InstanceCheck check = verifier.verify(bearer(token), null);

    String signature = token.substring(token.lastIndexOf('.') + 1);
    assertThat(((InstanceCheck.Refused) check).refusal().reason())
        .doesNotContain(signature)
        .doesNotContain(token.substring(0, token.indexOf('.')));
  }

  private static JWTClaimsSet.Builder vm() {
    return InstanceTokens.claims(NOW, ZONE, NAME, ID);
  }

  private static InstanceIdentity verified(InstanceCheck check) {
    assertThat(check).isInstanceOf(InstanceCheck.Verified.class);
    return ((InstanceCheck.Verified) check).instance();
  }

  private static void assertRefused(InstanceCheck check, int status, String reason) {
    assertThat(check).isInstanceOf(InstanceCheck.Refused.class);
    CallerCheck.Refused refusal = ((InstanceCheck.Refused) check).refusal();
    assertThat(refusal.httpStatus()).as(refusal.reason()).isEqualTo(status);
    assertThat(refusal.reason()).contains(reason);
  }
}
