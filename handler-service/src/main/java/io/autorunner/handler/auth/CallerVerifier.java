package io.autorunner.handler.auth;

/**
 * Decides whether a request to a task endpoint comes from the Cloud Tasks invoker; {@code
 * AuthConfiguration} picks the implementation.
 */
public interface CallerVerifier {

  /**
   * Checks the credential a request carries.
   *
   * @param authorization the {@code Authorization} header, or null when absent
   * @param serverlessAuthorization the {@code X-Serverless-Authorization} header, or null; Cloud
   *     Run authorizes with it instead of {@code Authorization} when both are present, so only the
   *     {@code cloud-run-iam} mode reads it
   */
  CallerCheck verify(String authorization, String serverlessAuthorization);

  /** Checks a request that carries only an {@code Authorization} header (or none: null). */
  default CallerCheck verify(String authorization) {
    return verify(authorization, null);
  }
}
