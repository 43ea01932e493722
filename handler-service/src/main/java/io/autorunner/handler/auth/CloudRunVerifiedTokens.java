package io.autorunner.handler.auth;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;

/**
 * Claims of a token Cloud Run IAM has already verified (signature, and that its identity may invoke
 * the service) and whose signature it removed before the request reached the container.
 *
 * <p>Safe only when the service does not allow unauthenticated invocations: without Cloud Run IAM
 * in front, anyone could write these claims unsigned.
 */
final class CloudRunVerifiedTokens implements TokenClaims {

  /**
   * Reads the header Cloud Run authorized the request with: {@code X-Serverless-Authorization} when
   * present (Cloud Run then passes {@code Authorization} through unverified), else {@code
   * Authorization}.
   */
  @Override
  public JWTClaimsSet read(String authorization, String serverlessAuthorization)
      throws CredentialRefused {
    String header =
        serverlessAuthorization != null && !serverlessAuthorization.isBlank()
            ? serverlessAuthorization
            : authorization;
    return unsignedClaims(BearerCredential.token(header));
  }

  /**
   * Accepts {@code header.payload}, {@code header.payload.} and {@code header.payload.anything}.
   */
  private static JWTClaimsSet unsignedClaims(String token) throws CredentialRefused {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 2 && parts.length != 3) {
      throw CredentialRefused.unauthenticated("malformed token: not a JWT");
    }
    try {
      JSONObjectUtils.parse(new Base64URL(parts[0]).decodeToString());
      return JWTClaimsSet.parse(new Base64URL(parts[1]).decodeToString());
    } catch (ParseException | RuntimeException e) {
      throw CredentialRefused.unauthenticated("malformed token: header or claims are not JSON");
    }
  }
}
