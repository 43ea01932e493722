package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images run on a runtime linked from only the modules the services use (deploy/jre.sh). A
 * module missing from that list shows only when a class of it is first needed, so both service jars
 * are started here on a runtime the same script links from the JDK running the tests, and the
 * scheduler answers a signed delivery. (The images link Temurin 25's modules; the module names and
 * what each one holds are the same in the JDK the tests run on.)
 */
class ImageRuntimeTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir static Path work;
  static String java;

  @BeforeAll
  static void linkTheImageRuntime() throws IOException, InterruptedException {
    Path runtime = work.resolve("jre");
    Path log = work.resolve("jlink.log");
    ProcessBuilder jlink =
        new ProcessBuilder("sh", ROOT.resolve("deploy/jre.sh").toString(), runtime.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    jlink.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = jlink.start();
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
    String output = Files.readString(log);
    // A JDK packaged without its jmods (and not linkable from its own runtime image) cannot link
    // any runtime: that says nothing about the module list.
    assumeTrue(
        process.exitValue() == 0 || !output.contains("jmods"),
        "this JDK cannot link runtimes: " + output);
    assertThat(process.exitValue()).as(output).isZero();
    java = runtime.resolve("bin/java").toString();
  }

  @Test
  void theSchedulerAnswersAWebhookOnTheImageRuntime() throws Exception {
    try (ServiceProcess scheduler =
        ServiceProcess.start(
            "scheduler",
            java,
            ROOT.resolve("scheduler-service/target/scheduler-service.jar"),
            Map.of("AUTORUNNER_WEBHOOK_SECRET", "runtime-secret"),
            work.resolve("scheduler.log"),
            Duration.ofSeconds(90))) {
      HttpResponse<String> answer =
          SpringAotAdaptersTest.sendQueued(scheduler, "runtime-secret", "runtime-1", 77);

      assertThat(answer.statusCode()).isEqualTo(202);
      assertThat(answer.body()).contains("create-runner");
    }
  }

  @Test
  void theHandlerStartsOnTheImageRuntime() throws Exception {
    try (ServiceProcess handler =
        ServiceProcess.start(
            "handler",
            java,
            ROOT.resolve("handler-service/target/handler-service.jar"),
            Map.of(
                "AUTORUNNER_HANDLER_AUTH", "none",
                "AUTORUNNER_COMPUTE_MODE", "dry-run",
                "AUTORUNNER_COMPUTE_DRY_RUN_DIR", work.resolve("dry-run").toString(),
                "AUTORUNNER_GITHUB_TOKEN", "runtime-token"),
            work.resolve("handler.log"),
            Duration.ofSeconds(90))) {
      assertThat(Files.readString(handler.log()))
          .contains("DRY-RUN: autorunner.compute.mode=dry-run");
    }
  }
}
