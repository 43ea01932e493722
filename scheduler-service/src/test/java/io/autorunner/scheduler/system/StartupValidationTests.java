package io.autorunner.scheduler.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.autorunner.common.config.Startup;
import io.autorunner.scheduler.SchedulerApplication;
import io.autorunner.scheduler.queue.TasksProperties;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A bad configuration stops the scheduler with one line naming the key. */
class StartupValidationTests {

  @Test
  void missingWebhookSecretIsRefused() {
    assertThat(problemStarting()).isEqualTo("autorunner.webhook.secret is required");
  }

  @Test
  void cloudTasksModeWithoutQueueIsRefused() {
    assertThat(
            problemStarting(
                "--autorunner.webhook.secret=s",
                "--autorunner.tasks.mode=cloud-tasks",
                "--autorunner.tasks.handler-url=https://handler.example"))
        .startsWith("autorunner.tasks.queue must be projects/P/locations/L/queues/Q");
  }

  @Test
  void cloudTasksModeWithoutInvokerIsRefused() {
    assertThat(
            problemStarting(
                "--autorunner.webhook.secret=s",
                "--autorunner.tasks.mode=cloud-tasks",
                "--autorunner.tasks.queue=projects/my-proj-1/locations/us-central1/queues/runners",
                "--autorunner.tasks.handler-url=https://handler.example"))
        .startsWith("autorunner.tasks.invoker-service-account is required");
  }

  @Test
  void cloudTasksModeRefusesPlainHttpToAnotherHost() {
    assertThat(
            problemStarting(
                "--autorunner.webhook.secret=s",
                "--autorunner.tasks.mode=cloud-tasks",
                "--autorunner.tasks.queue=projects/my-proj-1/locations/us-central1/queues/runners",
                "--autorunner.tasks.invoker-service-account=inv@my-proj-1.iam.gserviceaccount.com",
                "--autorunner.tasks.handler-url=http://handler.example"))
        .startsWith("autorunner.tasks.handler-url must be the handler's https URL");
  }

  @Test
  void cloudTasksModeAcceptsPlainHttpToALoopbackHandler() {
    for (String url : List.of("http://127.0.0.1:8081", "http://localhost:9000", "http://[::1]:1")) {
      assertThat(TasksProperties.plainHttpToLoopback(java.net.URI.create(url))).as(url).isTrue();
    }
    assertThat(TasksProperties.plainHttpToLoopback(java.net.URI.create("http://127.evil.com")))
        .isFalse();
    assertThat(
            new TasksProperties(
                    TasksProperties.Mode.CLOUD_TASKS,
                    "projects/my-proj-1/locations/us-central1/queues/runners",
                    java.net.URI.create("http://127.0.0.1:8081"),
                    "inv@my-proj-1.iam.gserviceaccount.com",
                    null,
                    "http://127.0.0.1:9999",
                    java.time.Duration.ofMinutes(10),
                    new TasksProperties.Local(
                        10,
                        java.time.Duration.ofSeconds(1),
                        java.time.Duration.ofSeconds(60),
                        "local",
                        10,
                        0))
                .handlerUrl())
        .hasToString("http://127.0.0.1:8081");
  }

  @Test
  void aNegativeCheckDelayIsRefusedNamingTheKey() {
    assertThat(
            problemStarting("--autorunner.webhook.secret=s", "--autorunner.tasks.check-delay=-1s"))
        .contains("autorunner.tasks.check-delay must be between 0 (off) and 30d");
  }

  @Test
  void unknownTaskModeIsRefusedNamingTheKey() {
    assertThat(problemStarting("--autorunner.webhook.secret=s", "--autorunner.tasks.mode=sqs"))
        .contains("autorunner.tasks");
  }

  @Test
  void badPolicyBoundIsRefusedNamingTheKey() {
    assertThat(
            problemStarting(
                "--autorunner.webhook.secret=s",
                "--autorunner.policy.allowed-machine-families=n1,z9"))
        .contains("autorunner.policy.allowed-machine-families")
        .contains("z9");
  }

  @Test
  void aValidLocalConfigurationStarts() {
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(SchedulerApplication.class)
            .web(WebApplicationType.NONE)
            .run("--autorunner.webhook.secret=s")) {
      assertThat(context.getBean(TasksProperties.class).mode())
          .isEqualTo(TasksProperties.Mode.LOCAL);
    }
  }

  private static String problemStarting(String... args) {
    Throwable failure =
        catchThrowable(
            () ->
                new SpringApplicationBuilder(SchedulerApplication.class)
                    .web(WebApplicationType.NONE)
                    .run(args)
                    .close());
    assertThat(failure).as("the scheduler must refuse to start").isNotNull();
    String problem = Startup.configurationProblem(failure).orElse(null);
    assertThat(problem).as("a one-line configuration problem").isNotNull().doesNotContain("\n");
    return problem;
  }
}
