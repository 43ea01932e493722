package io.autorunner.handler.auth;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.URI;
import java.time.Clock;

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

  private final GoogleSignedTokens tokens;
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
    this(new GoogleSignedTokens(keys), audience, invokerServiceAccount, clock);
  }

  private GoogleIdTokenVerifier(
      GoogleSignedTokens tokens, String audience, String invokerServiceAccount, Clock clock) {
    this.tokens = tokens;
    this.claims = new InvokerClaims(audience, invokerServiceAccount, clock);
  }

  /** A verifier whose keys are fetched from {@code jwksUrl} (see {@link GoogleSignedTokens}). */
  public static GoogleIdTokenVerifier fetchingKeysFrom(
      URI jwksUrl, String audience, String invokerServiceAccount, Clock clock) {
    return new GoogleIdTokenVerifier(
        GoogleSignedTokens.fetchingKeysFrom(jwksUrl, "autorunner.handler.oidc-jwks-url"),
        audience,
        invokerServiceAccount,
        clock);
  }

  /** Reads {@code Authorization} only: that is where Cloud Tasks puts the token. */
  @Override
  public CallerCheck verify(String authorization, String serverlessAuthorization) {
    try {
      return claims.check(tokens.read(authorization, serverlessAuthorization));
    } catch (CredentialRefused refused) {
      return refused.check();
    }
  }
}
