package io.autorunner.handler.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code autorunner.handler.auth=oidc}: the handler itself verifies the Google-signed ID token that
 * Cloud Tasks sends — RS256 signature against Google's published keys, then issuer, audience,
 * expiry and the invoker's e-mail.
 *
 * <p>This mode needs the token to arrive intact. When Cloud Run IAM is in front of the service it
 * strips the signature before the request reaches the container; use {@link CloudRunIamVerifier}
 * there.
 */
public final class GoogleIdTokenVerifier implements CallerVerifier {

  /** Short, so that a slow key endpoint turns into a quick retryable answer, not a hung task. */
  static final Duration KEY_FETCH_TIMEOUT = Duration.ofSeconds(2);

  /** Google's key endpoint answers a few KB; anything much bigger is not it. */
  private static final int KEY_SET_SIZE_LIMIT = 64 * 1024;

  /** What Cloud Run puts where the signature was. */
  static final String REMOVED_SIGNATURE = "SIGNATURE_REMOVED_BY_GOOGLE";

  private final DefaultJWTProcessor<SecurityContext> signatures;
  private final InvokerClaims claims;

  /**
   * @param keys where the signing keys come from (cached and refreshed on an unknown key id when
   *     built by {@link #fetchingKeysFrom})
   * @param audience the audience the token must carry
   * @param invokerServiceAccount the e-mail the token must carry
   * @param clock the time expiry is judged against
   */
  public GoogleIdTokenVerifier(
      JWKSource<SecurityContext> keys, String audience, String invokerServiceAccount, Clock clock) {
    Objects.requireNonNull(keys, "keys");
    this.claims = new InvokerClaims(audience, invokerServiceAccount, clock);
    this.signatures = new DefaultJWTProcessor<>();
    // Google signs ID tokens with RS256 only; pinning it shuts out alg=none and HMAC confusion.
    this.signatures.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    // Claims are judged by InvokerClaims against our Clock, with reasons that tell 401 from 403.
    this.signatures.setJWTClaimsSetVerifier(null);
  }

  /**
   * A verifier whose keys are fetched from {@code jwksUrl}, cached (five minutes, refreshed ahead
   * of expiry), re-fetched when a token names a key id not in the cache (Google rotates keys), with
   * re-fetches rate-limited and each fetch bounded by {@link #KEY_FETCH_TIMEOUT}.
   */
  public static GoogleIdTokenVerifier fetchingKeysFrom(
      URI jwksUrl, String audience, String invokerServiceAccount, Clock clock) {
    Objects.requireNonNull(jwksUrl, "jwksUrl");
    int timeoutMillis = (int) KEY_FETCH_TIMEOUT.toMillis();
    JWKSource<SecurityContext> keys;
    try {
      keys =
          JWKSourceBuilder.<SecurityContext>create(
                  jwksUrl.toURL(),
                  new DefaultResourceRetriever(timeoutMillis, timeoutMillis, KEY_SET_SIZE_LIMIT))
              .build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "autorunner.handler.oidc-jwks-url is not a URL: " + jwksUrl, e);
    }
    return new GoogleIdTokenVerifier(keys, audience, invokerServiceAccount, clock);
  }

  /** Reads {@code Authorization} only: that is where Cloud Tasks puts the token. */
  @Override
  public CallerCheck verify(String authorization, String serverlessAuthorization) {
    try {
      return claims.check(verifiedClaims(BearerCredential.token(authorization)));
    } catch (CredentialRefused refused) {
      return refused.check();
    }
  }

  private JWTClaimsSet verifiedClaims(String token) throws CredentialRefused {
    String[] parts = token.split("\\.", -1);
    if (parts.length == 3 && (parts[2].isEmpty() || parts[2].equals(REMOVED_SIGNATURE))) {
      throw CredentialRefused.unauthenticated(
          "token has no signature (Cloud Run IAM strips it: use"
              + " autorunner.handler.auth=cloud-run-iam behind it)");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw CredentialRefused.unauthenticated("malformed token: not a signed JWT");
    }
    try {
      return signatures.process(jwt, null);
    } catch (BadJOSEException e) {
      // Nimbus' messages here are fixed texts ("Invalid signature", "no matching key(s) found").
      throw CredentialRefused.unauthenticated("signature not accepted: " + e.getMessage());
    } catch (RateLimitReachedException e) {
      // An unknown key id right after a refresh: not a key Google publishes.
      throw CredentialRefused.unauthenticated("signature not accepted: unknown signing key");
    } catch (KeySourceException e) {
      throw new CredentialRefused(
          new CallerCheck.Unavailable(
              "Google's signing keys could not be fetched: " + e.getMessage()));
    } catch (JOSEException e) {
      throw CredentialRefused.unauthenticated("signature could not be verified: " + e.getMessage());
    }
  }
}
