package io.autorunner.handler.auth;

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

  private final TokenClaims tokens = new CloudRunVerifiedTokens();
  private final InvokerClaims claims;

  /**
   * @param audience the audience the token must carry
   * @param invokerServiceAccount the e-mail the token must carry
   * @param clock the time expiry is judged against
   */
  public CloudRunIamVerifier(String audience, String invokerServiceAccount, Clock clock) {
    this.claims = new InvokerClaims(audience, invokerServiceAccount, clock);
  }

  @Override
  public CallerCheck verify(String authorization, String serverlessAuthorization) {
    try {
      return claims.check(tokens.read(authorization, serverlessAuthorization));
    } catch (CredentialRefused refused) {
      return refused.check();
    }
  }
}
