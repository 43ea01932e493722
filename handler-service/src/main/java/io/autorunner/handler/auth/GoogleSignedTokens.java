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
import java.time.Duration;
import java.util.Objects;

/**
 * Claims of a token in the {@code Authorization} header whose RS256 signature checks out against
 * Google's published keys: Cloud Tasks' ID tokens and Compute Engine's instance identity tokens are
 * both signed this way.
 */
final class GoogleSignedTokens implements TokenClaims {

  /** Short, so that a slow key endpoint turns into a quick retryable answer, not a hung call. */
  static final Duration KEY_FETCH_TIMEOUT = Duration.ofSeconds(2);

  /** Google's key endpoint answers a few KB; anything much bigger is not it. */
  private static final int KEY_SET_SIZE_LIMIT = 64 * 1024;

  /** What Cloud Run puts where the signature was. */
  static final String REMOVED_SIGNATURE = "SIGNATURE_REMOVED_BY_GOOGLE";

  private final DefaultJWTProcessor<SecurityContext> signatures;

  GoogleSignedTokens(JWKSource<SecurityContext> keys) {
    Objects.requireNonNull(keys, "keys");
    this.signatures = new DefaultJWTProcessor<>();
    // Google signs ID tokens with RS256 only; pinning it shuts out alg=none and HMAC confusion.
    this.signatures.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    // Claims are judged by the caller against our Clock, with reasons that tell 401 from 403.
    this.signatures.setJWTClaimsSetVerifier(null);
  }

  /**
   * Keys fetched from {@code jwksUrl}, cached (five minutes, refreshed ahead of expiry), re-fetched
   * when a token names a key id not in the cache (Google rotates keys), with re-fetches
   * rate-limited and each fetch bounded by {@link #KEY_FETCH_TIMEOUT}.
   *
   * @param setting the property that named the URL, for the error
   */
  static GoogleSignedTokens fetchingKeysFrom(URI jwksUrl, String setting) {
    Objects.requireNonNull(jwksUrl, "jwksUrl");
    int timeoutMillis = (int) KEY_FETCH_TIMEOUT.toMillis();
    try {
      return new GoogleSignedTokens(
          JWKSourceBuilder.<SecurityContext>create(
                  jwksUrl.toURL(),
                  new DefaultResourceRetriever(timeoutMillis, timeoutMillis, KEY_SET_SIZE_LIMIT))
              .build());
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + " is not a URL: " + jwksUrl, e);
    }
  }

  /** Reads {@code Authorization} only: that is where Cloud Tasks and the VMs put the token. */
  @Override
  public JWTClaimsSet read(String authorization, String serverlessAuthorization)
      throws CredentialRefused {
    String token = BearerCredential.token(authorization);
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
