package io.autorunner.handler.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/**
 * Compute Engine instance identity tokens ({@code format=full}) as a VM's metadata server mints
 * them, signed with a key made in the test; for the tests of every package that judges a VM.
 */
public final class InstanceTokens {

  public static final String PROJECT = "my-project";
  public static final String AUDIENCE = "https://handler-abc123-uc.a.run.app";
  public static final String RUNNERS_ACCOUNT = "runners@my-project.iam.gserviceaccount.com";

  /** Google's signing key, as far as the tests are concerned. */
  public static final RSAKey GOOGLE_KEY = TestTokens.rsaKey("google-instance-key-1");

  private InstanceTokens() {}

  /** The public half of {@link #GOOGLE_KEY}, as Google publishes it. */
  public static JWKSource<SecurityContext> googleKeys() {
    return new ImmutableJWKSet<>(new JWKSet(GOOGLE_KEY.toPublicJWK()));
  }

  /** What the VM's metadata server signs for it at {@code now}, valid for the next hour. */
  public static JWTClaimsSet.Builder claims(
      Instant now, String zone, String instanceName, String instanceId) {
    return new JWTClaimsSet.Builder()
        .issuer("https://accounts.google.com")
        .audience(AUDIENCE)
        .subject("109876543210987654321")
        .claim("azp", "109876543210987654321")
        .claim("email", RUNNERS_ACCOUNT)
        .claim("email_verified", true)
        .issueTime(Date.from(now.minusSeconds(5)))
        .expirationTime(Date.from(now.plusSeconds(3595)))
        .claim("google", google(PROJECT, zone, instanceName, instanceId));
  }

  /** The {@code google} claim of a {@code format=full} token. */
  public static Map<String, Object> google(
      String project, String zone, String instanceName, String instanceId) {
    return Map.of(
        "compute_engine",
        Map.of(
            "project_id", project,
            "project_number", 123456789012L,
            "zone", zone,
            "instance_id", instanceId,
            "instance_name", instanceName,
            "instance_creation_timestamp", 1764590000L));
  }

  public static String sign(JWTClaimsSet claims) {
    return TestTokens.sign(GOOGLE_KEY, claims);
  }

  public static String sign(RSAKey key, JWTClaimsSet claims) {
    return TestTokens.sign(key, claims);
  }

  public static RSAKey otherKey() {
    return TestTokens.rsaKey("not-google");
  }

  /** What Cloud Run hands the container after checking a token: the signature replaced. */
  public static String stripped(String token) {
    return TestTokens.stripped(token, ".SIGNATURE_REMOVED_BY_GOOGLE");
  }

  public static String bearer(String token) {
    return TestTokens.bearer(token);
  }
}
