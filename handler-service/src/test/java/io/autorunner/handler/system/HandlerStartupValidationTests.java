package io.autorunner.handler.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.autorunner.common.config.Startup;
import io.autorunner.handler.HandlerApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A bad configuration stops the handler with one line naming the key. */
class HandlerStartupValidationTests {

  @Test
  void oidcIsTheDefaultAndNeedsAudienceAndInvoker() {
    assertThat(problemStarting("--autorunner.github.token=t"))
        .contains("autorunner.handler.audience")
        .contains("autorunner.handler.invoker-service-account");
  }

  @Test
  void gitHubCredentialsAreRequired() {
    assertThat(problemStarting("--autorunner.handler.auth=none"))
        .contains("autorunner.github.token")
        .contains("autorunner.github.app-id");
  }

  @Test
  void anAppWithoutItsKeyIsRefused() {
    assertThat(problemStarting("--autorunner.handler.auth=none", "--autorunner.github.app-id=7"))
        .isEqualTo("autorunner.github.app-private-key is required with autorunner.github.app-id");
  }

  @Test
  void gceModeNeedsAProject() {
    assertThat(
            problemStarting(
                "--autorunner.handler.auth=none",
                "--autorunner.github.token=t",
                "--autorunner.runner-config.url=https://handler.example/vm/runner-config",
                "--autorunner.gce.service-account=runner@p.iam.gserviceaccount.com",
                "--autorunner.compute.mode=gce"))
        .isEqualTo("autorunner.gce.project is required with autorunner.compute.mode=gce");
  }

  @Test
  void gceModeNeedsTheVmsServiceAccountForTheirIdentityTokens() {
    assertThat(
            problemStarting(
                "--autorunner.handler.auth=none",
                "--autorunner.github.token=t",
                "--autorunner.runner-config.url=https://handler.example/vm/runner-config",
                "--autorunner.compute.mode=gce",
                "--autorunner.gce.project=my-project"))
        .startsWith("autorunner.gce.service-account is required with autorunner.compute.mode=gce")
        .contains("identity token");
  }

  @Test
  void gceModeNeedsTheAddressVmsAskForTheirRunner() {
    // With auth=none there is no handler audience to derive it from; dry-run has a default.
    assertThat(
            problemStarting(
                "--autorunner.handler.auth=none",
                "--autorunner.github.token=t",
                "--autorunner.compute.mode=gce",
                "--autorunner.gce.service-account=runner@p.iam.gserviceaccount.com",
                "--autorunner.gce.project=my-project"))
        .startsWith("autorunner.runner-config.url is required")
        .contains("autorunner.handler.audience");
  }

  @Test
  void aNonPositiveHandoutWindowIsRefused() {
    assertThat(
            problemStarting(
                "--autorunner.handler.auth=none",
                "--autorunner.github.token=t",
                "--autorunner.runner-config.window=0s"))
        .contains("autorunner.runner-config.window");
  }

  @Test
  void maxRunDurationOutsideItsBoundsIsRefused() {
    assertThat(
            problemStarting(
                "--autorunner.handler.auth=none",
                "--autorunner.github.token=t",
                "--autorunner.gce.max-run-duration=10d"))
        .contains("autorunner.gce.max-run-duration");
  }

  @Test
  void aZeroInstanceCapIsRefused() {
    assertThat(
            problemStarting(
                "--autorunner.handler.auth=none",
                "--autorunner.github.token=t",
                "--autorunner.limits.max-instances=0"))
        .startsWith("autorunner.limits.max-instances");
  }

  private static String problemStarting(String... args) {
    Throwable failure =
        catchThrowable(
            () ->
                new SpringApplicationBuilder(HandlerApplication.class)
                    .web(WebApplicationType.NONE)
                    .run(args)
                    .close());
    assertThat(failure).as("the handler must refuse to start").isNotNull();
    String problem = Startup.configurationProblem(failure).orElse(null);
    assertThat(problem).as("a one-line configuration problem").isNotNull().doesNotContain("\n");
    return problem;
  }
}
