package io.autorunner.handler.auth;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Clock;

/**
 * {@code autorunner.handler.auth=cloud-run-iam}: Cloud Run IAM has already verified the token's
 * signature and that its identity may invoke the service, and removed the signature (replacing it
 * with {@code SIGNATURE_REMOVED_BY_GOOGLE}) before the request reached the container. What is left
 * to check is which invoker it is: issuer, audience, expiry and e-mail.
 *
 * <p>Safe only when the service does not allow unauthenticated invocations: without Cloud Run IAM
 * in front, anyone could write these claims unsigned.
 */
public final class CloudRunIamVerifier implements CallerVerifier {

  private final InvokerClaims claims;

  /**
   * @param audience the audience the token must carry
   * @param invokerServiceAccount the e-mail the token must carry
   * @param clock the time expiry is judged against
   */
  public CloudRunIamVerifier(String audience, String invokerServiceAccount, Clock clock) {
    this.claims = new InvokerClaims(audience, invokerServiceAccount, clock);
  }

  /**
   * Reads the header Cloud Run authorized the request with: {@code X-Serverless-Authorization} when
   * present (Cloud Run then passes {@code Authorization} through unverified), else {@code
   * Authorization}.
   */
  @Override
  public CallerCheck verify(String authorization, String serverlessAuthorization) {
    String header =
        serverlessAuthorization != null && !serverlessAuthorization.isBlank()
            ? serverlessAuthorization
            : authorization;
    try {
      return claims.check(unsignedClaims(BearerCredential.token(header)));
    } catch (CredentialRefused refused) {
      return refused.check();
    }
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
