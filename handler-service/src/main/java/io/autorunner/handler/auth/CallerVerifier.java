package io.autorunner.handler.auth;

import io.autorunner.handler.system.HandlerProperties;
import java.time.Clock;

/**
 * Decides whether a request to a task endpoint comes from the Cloud Tasks invoker.
 *
 * <p>Pick an implementation with {@link #forProperties(HandlerProperties, Clock)}.
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

  /**
   * The verifier for {@code autorunner.handler.auth}. With {@code none} it logs a loud warning, so
   * call it once at start-up.
   */
  static CallerVerifier forProperties(HandlerProperties properties, Clock clock) {
    return switch (properties.auth()) {
      case OIDC ->
          GoogleIdTokenVerifier.fetchingKeysFrom(
              properties.oidcJwksUrl(),
              properties.audience(),
              properties.invokerServiceAccount(),
              clock);
      case CLOUD_RUN_IAM ->
          new CloudRunIamVerifier(properties.audience(), properties.invokerServiceAccount(), clock);
      case NONE -> AcceptAnyCaller.withLoudWarning();
    };
  }
}
