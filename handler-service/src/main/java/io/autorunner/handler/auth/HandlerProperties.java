package io.autorunner.handler.auth;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.handler.*}: who may call the task endpoints.
 *
 * @param auth {@code oidc} (production default: verify the Google-signed ID token), {@code
 *     cloud-run-iam} (Cloud Run verified it; check claims only) or {@code none} (local only)
 * @param audience the audience the token must carry (the handler's URL)
 * @param invokerServiceAccount the e-mail the token must carry (the Cloud Tasks invoker)
 * @param oidcJwksUrl where Google's signing keys are published
 */
@Validated
@ConfigurationProperties("autorunner.handler")
public record HandlerProperties(
    @DefaultValue("oidc") @NotNull Auth auth,
    String audience,
    String invokerServiceAccount,
    @DefaultValue("https://www.googleapis.com/oauth2/v3/certs") URI oidcJwksUrl) {

  public HandlerProperties {
    if (auth != Auth.NONE
        && (audience == null
            || audience.isBlank()
            || invokerServiceAccount == null
            || invokerServiceAccount.isBlank())) {
      throw new IllegalArgumentException(
          "autorunner.handler.audience and autorunner.handler.invoker-service-account are"
              + " required with autorunner.handler.auth="
              + auth.name().toLowerCase().replace('_', '-'));
    }
  }

  /** The ways a caller proves it is Cloud Tasks. */
  public enum Auth {
    OIDC,
    CLOUD_RUN_IAM,
    NONE
  }
}
