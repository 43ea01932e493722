package io.autorunner.handler.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.handler.system.AuthConfiguration;
import java.net.URI;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class AcceptAnyCallerTest {

  @Test
  void acceptsEveryCallerAfterWarningLoudly(CapturedOutput output) {
    CallerVerifier verifier =
        new AuthConfiguration()
            .callerVerifier(
                new HandlerProperties(HandlerProperties.Auth.NONE, null, null, null),
                Clock.systemUTC());

    assertThat(verifier).isInstanceOf(AcceptAnyCaller.class);
    assertThat(output)
        .contains("WARN")
        .contains("autorunner.handler.auth=none")
        .contains("ANY caller");
    assertThat(verifier.verify(null))
        .isEqualTo(new CallerCheck.Accepted(AcceptAnyCaller.UNVERIFIED));
    assertThat(verifier.verify("Basic garbage")).isInstanceOf(CallerCheck.Accepted.class);
  }

  @Test
  void picksTheVerifierOfEachMode() {
    URI jwks = URI.create("http://127.0.0.1:9/certs");
    Clock clock = Clock.systemUTC();

    assertThat(
            new AuthConfiguration()
                .callerVerifier(
                    new HandlerProperties(HandlerProperties.Auth.OIDC, "aud", "sa@p.iam", jwks),
                    clock))
        .isInstanceOf(GoogleIdTokenVerifier.class);
    assertThat(
            new AuthConfiguration()
                .callerVerifier(
                    new HandlerProperties(
                        HandlerProperties.Auth.CLOUD_RUN_IAM, "aud", "sa@p.iam", jwks),
                    clock))
        .isInstanceOf(CloudRunIamVerifier.class);
  }
}
