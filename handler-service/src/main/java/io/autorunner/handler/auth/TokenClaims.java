package io.autorunner.handler.auth;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * Where a token's claims come from once they can be trusted: checked against Google's keys here
 * ({@link GoogleSignedTokens}), or taken as Cloud Run IAM verified them ({@link
 * CloudRunVerifiedTokens}). What the claims must say is the caller's business.
 */
interface TokenClaims {

  /**
   * The trusted claims of the request's token.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param serverlessAuthorization the {@code X-Serverless-Authorization} header, or null
   */
  JWTClaimsSet read(String authorization, String serverlessAuthorization) throws CredentialRefused;
}
