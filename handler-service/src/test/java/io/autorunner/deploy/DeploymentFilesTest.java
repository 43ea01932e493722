package io.autorunner.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks the Dockerfiles and cloudbuild.yaml for what the deployment relies on, since no Docker
 * engine or Cloud Build runs in the tests.
 */
class DeploymentFilesTest {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @ParameterizedTest
  @CsvSource({
    // The scheduler trains on real deliveries against a loopback Cloud Tasks (AotTraining); the
    // handler on its context's refresh with the dry-run adapter. Neither calls GCP or GitHub.
    "Dockerfile.scheduler, scheduler-service, AUTORUNNER_TASKS_MODE=local,"
        + " -cp scheduler-service.jar io.autorunner.scheduler.training.AotTraining",
    "Dockerfile.handler, handler-service, AUTORUNNER_COMPUTE_MODE=dry-run,"
        + " -Dspring.context.exit=onRefresh -jar handler-service.jar"
  })
  void anImageBuildsFromSourceAndStartsFromAnExtractedJarWithATrainedAotCache(
      String file, String module, String localOnly, String trainingRun) throws IOException {
    List<String> steps = instructions(REPO.resolve(file));
    List<String> from = steps.stream().filter(s -> s.startsWith("FROM ")).toList();

    assertThat(from)
        .containsExactly("FROM maven:3.9-eclipse-temurin-25 AS build", "FROM debian:bookworm-slim");
    List<String> build = steps.subList(0, steps.indexOf(from.get(1)));
    List<String> runtime = steps.subList(steps.indexOf(from.get(1)), steps.size());
    assertThat(build)
        .anyMatch(s -> s.startsWith("RUN mvn ") && s.contains("-pl " + module + " -am package"))
        .anyMatch(
            s ->
                s.contains("-Djarmode=tools -jar " + module + "/target/" + module + ".jar extract"))
        // The runtime is linked in the build stage from the JDK that built the jar (deploy/jre.sh,
        // which bench/startup.sh and ImageRuntimeTest use too).
        .contains("COPY deploy/jre.sh deploy/", "RUN sh deploy/jre.sh /jre");
    // No host build output enters the image: stage 2 copies only from stage 1 and the JVM flags.
    assertThat(steps).noneMatch(s -> s.startsWith("COPY") && s.contains("target"));
    assertThat(runtime.stream().filter(s -> s.startsWith("COPY ")))
        .containsExactly(
            "COPY --from=build /jre /opt/java",
            "COPY --from=build /app/ ./",
            "COPY deploy/jvm.options ./jvm.options");
    assertThat(runtime).contains("ENV JAVA_HOME=/opt/java", "ENV PATH=/opt/java/bin:$PATH");

    String training =
        runtime.stream().filter(s -> s.contains("-XX:AOTCacheOutput=")).findFirst().orElseThrow();
    assertThat(training)
        .contains("java @jvm.options -XX:MaxRAM=512m -XX:AOTCacheOutput=app.aot", trainingRun)
        // The check run: the launch line's JVM must accept the cache, or the build stops.
        .contains("-XX:AOTCache=app.aot -XX:AOTMode=on", "-jar " + module + ".jar", localOnly)
        .doesNotContain("AUTORUNNER_COMPUTE_MODE=gce", "AUTORUNNER_TASKS_MODE=cloud-tasks");
    assertThat(runtime)
        .contains("ENV PORT=8080")
        .last()
        .isEqualTo(
            "ENTRYPOINT [\"java\", \"@jvm.options\", \"-XX:AOTCache=app.aot\", \"-jar\", \""
                + module
                + ".jar\"]");
    // The service runs as a non-root user, set after the training run and before the start.
    String user =
        runtime.stream().filter(s -> s.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    assertThat(user).isEqualTo("USER 10001:10001");
    assertThat(runtime.indexOf(user)).isGreaterThan(runtime.indexOf(training));
  }

  @Test
  void theJvmFlagsFitASmallContainer() throws IOException {
    List<String> flags =
        Files.readAllLines(REPO.resolve("deploy/jvm.options")).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .toList();

    assertThat(flags)
        .contains(
            "-XX:MaxRAMPercentage=75",
            "-XX:InitialRAMPercentage=50",
            "-XX:+UseSerialGC",
            "-Xss512k",
            "-Dspring.aot.enabled=true",
            "-Dhttp.maxConnections=64");
    assertThat(flags).noneMatch(f -> f.startsWith("-Xmx") || f.startsWith("-XX:AOTCache"));
  }

  @ParameterizedTest
  @CsvSource({"scheduler-service", "handler-service"})
  void bothServicesAreBuiltWithSpringAotSinceTheImagesRunWithIt(String module) throws IOException {
    // The execution is managed once in the root pom and applies to the modules using the plugin.
    String root = Files.readString(REPO.resolve("pom.xml"));
    String managed =
        root.substring(root.indexOf("<pluginManagement>"), root.indexOf("</pluginManagement>"));
    assertThat(managed)
        .contains("<artifactId>spring-boot-maven-plugin</artifactId>")
        .contains("<goal>process-aot</goal>");
    assertThat(Files.readString(REPO.resolve(module).resolve("pom.xml")))
        .contains("<artifactId>spring-boot-maven-plugin</artifactId>");
  }

  @ParameterizedTest
  @CsvSource({"Dockerfile.scheduler", "Dockerfile.handler"})
  void bothImagesLogJsonForCloudLoggingFromTheTrainingRunOn(String dockerfile) throws Exception {
    String file = Files.readString(REPO.resolve(dockerfile));
    String env =
        "ENV LOGGING_STRUCTURED_FORMAT_CONSOLE=io.autorunner.common.logging.CloudLoggingFormatter";

    assertThat(file).contains(env);
    assertThat(file.indexOf(env))
        .as("set before the training run, so the formatter is in the AOT cache")
        .isLessThan(file.indexOf("-XX:AOTCacheOutput=app.aot"))
        .isGreaterThan(file.lastIndexOf("FROM "));
    assertThat(Class.forName("io.autorunner.common.logging.CloudLoggingFormatter")).isNotNull();
  }

  @Test
  void cloudBuildTellsBothServicesTheProjectTheirTracesBelongTo() throws IOException {
    Map<String, Object> config = new Yaml().load(Files.readString(REPO.resolve("cloudbuild.yaml")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> steps = (List<Map<String, Object>>) config.get("steps");

    assertThat(env(args(steps, "deploy-handler")))
        .containsEntry("AUTORUNNER_LOGGING_PROJECT", "$PROJECT_ID");
    assertThat(env(args(steps, "deploy-scheduler")))
        .containsEntry("AUTORUNNER_LOGGING_PROJECT", "$PROJECT_ID");
  }

  @Test
  void cloudBuildGivesTheHandlerItsBootImagesSoADeployKeepsABakedFamily() throws Exception {
    Map<String, Object> config = new Yaml().load(Files.readString(REPO.resolve("cloudbuild.yaml")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> steps = (List<Map<String, Object>>) config.get("steps");
    @SuppressWarnings("unchecked")
    Map<String, Object> substitutions = (Map<String, Object>) config.get("substitutions");

    assertThat(env(args(steps, "deploy-handler")))
        .containsEntry("AUTORUNNER_GCE_CPU_IMAGE", "${_CPU_IMAGE}")
        .containsEntry("AUTORUNNER_GCE_GPU_IMAGE", "${_GPU_IMAGE}");
    // Left as they are, the substitutions give the handler its own defaults.
    assertThat(substitutions)
        .containsEntry("_CPU_IMAGE", defaultOf("cpuImage"))
        .containsEntry("_GPU_IMAGE", defaultOf("gpuImage"));
  }

  private static String defaultOf(String component) throws NoSuchMethodException {
    java.lang.reflect.RecordComponent[] components =
        io.autorunner.handler.vm.gce.GceProperties.class.getRecordComponents();
    java.lang.reflect.Constructor<?> constructor =
        io.autorunner.handler.vm.gce.GceProperties.class.getDeclaredConstructor(
            java.util.Arrays.stream(components)
                .map(java.lang.reflect.RecordComponent::getType)
                .toArray(Class<?>[]::new));
    for (int i = 0; i < components.length; i++) {
      if (components[i].getName().equals(component)) {
        return constructor.getParameters()[i].getAnnotation(
                org.springframework.boot.context.properties.bind.DefaultValue.class)
            .value()[0];
      }
    }
    throw new AssertionError("no component " + component);
  }

  @Test
  void theBuildContextLeavesOutHostBuildOutput() throws IOException {
    assertThat(Files.readAllLines(REPO.resolve(".dockerignore"))).contains("**/target/", ".git/");
  }

  @Test
  void cloudBuildDeploysTheHandlerPrivateAndTheSchedulerPublicWithSecretsFromSecretManager()
      throws IOException {
    Map<String, Object> config = new Yaml().load(Files.readString(REPO.resolve("cloudbuild.yaml")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> steps = (List<Map<String, Object>>) config.get("steps");
    List<String> handler = args(steps, "deploy-handler");
    List<String> scheduler = args(steps, "deploy-scheduler");

    assertThat(handler)
        .contains("--no-allow-unauthenticated", "--cpu-boost")
        .contains(
            "--set-secrets=AUTORUNNER_GITHUB_APP_PRIVATE_KEY=autorunner-github-app-key:latest")
        .contains("--service-account=autorunner-handler@$PROJECT_ID.iam.gserviceaccount.com");
    assertThat(env(handler))
        .containsEntry("AUTORUNNER_HANDLER_AUTH", "cloud-run-iam")
        .containsEntry("AUTORUNNER_COMPUTE_MODE", "gce")
        .containsEntry("AUTORUNNER_GCE_PROJECT", "$PROJECT_ID")
        .containsEntry("AUTORUNNER_GCE_ZONES", "${_GCE_ZONES}")
        .containsKeys("AUTORUNNER_HANDLER_AUDIENCE", "AUTORUNNER_HANDLER_INVOKER_SERVICE_ACCOUNT")
        .doesNotContainKey("AUTORUNNER_GITHUB_APP_PRIVATE_KEY");
    assertThat(scheduler)
        .contains(
            "--allow-unauthenticated", "--cpu-boost", "--min-instances=${_SCHEDULER_MIN_INSTANCES}")
        .contains("--set-secrets=AUTORUNNER_WEBHOOK_SECRET=autorunner-webhook-secret:latest")
        .contains("--service-account=autorunner-scheduler@$PROJECT_ID.iam.gserviceaccount.com");
    assertThat(env(scheduler))
        .containsEntry("AUTORUNNER_TASKS_MODE", "cloud-tasks")
        .containsEntry(
            "AUTORUNNER_TASKS_QUEUE", "projects/$PROJECT_ID/locations/${_REGION}/queues/${_QUEUE}")
        .containsKeys("AUTORUNNER_TASKS_HANDLER_URL", "AUTORUNNER_TASKS_INVOKER_SERVICE_ACCOUNT")
        .doesNotContainKey("AUTORUNNER_WEBHOOK_SECRET");
    // Both services name the handler by the same URL: the tasks' audience is the handler's.
    assertThat(env(scheduler).get("AUTORUNNER_TASKS_HANDLER_URL"))
        .isEqualTo(env(handler).get("AUTORUNNER_HANDLER_AUDIENCE"));
    assertThat(args(steps, "allow-invoker"))
        .contains(
            "add-iam-policy-binding",
            "autorunner-handler",
            "--role=roles/run.invoker",
            "--member=serviceAccount:autorunner-invoker@$PROJECT_ID.iam.gserviceaccount.com");
    @SuppressWarnings("unchecked")
    Map<String, Object> substitutions = (Map<String, Object>) config.get("substitutions");
    assertThat(substitutions).containsEntry("_SCHEDULER_MIN_INSTANCES", "1");
    assertThat(config.get("images").toString())
        .contains(
            "${_REGION}-docker.pkg.dev/$PROJECT_ID/${_REPOSITORY}/scheduler:$SHORT_SHA",
            "${_REGION}-docker.pkg.dev/$PROJECT_ID/${_REPOSITORY}/handler:$SHORT_SHA");
  }

  @Test
  void theHandlerTakesOnlyInternalTrafficAndItsVmsRunRoleLessInTheRunnerNetwork()
      throws IOException {
    Map<String, Object> config = new Yaml().load(Files.readString(REPO.resolve("cloudbuild.yaml")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> steps = (List<Map<String, Object>>) config.get("steps");
    @SuppressWarnings("unchecked")
    Map<String, Object> substitutions = (Map<String, Object>) config.get("substitutions");
    List<String> handler = args(steps, "deploy-handler");
    List<String> scheduler = args(steps, "deploy-scheduler");

    assertThat(handler).contains("--ingress=internal");
    // GitHub must reach the scheduler: its ingress stays open.
    assertThat(scheduler).noneMatch(a -> a.startsWith("--ingress"));
    assertThat(env(handler))
        .containsEntry("AUTORUNNER_GCE_NETWORK", "global/networks/${_RUNNER_NETWORK}")
        .containsEntry(
            "AUTORUNNER_GCE_SUBNETWORK", "regions/${_REGION}/subnetworks/${_RUNNER_SUBNET}")
        .containsEntry("AUTORUNNER_GCE_EXTERNAL_IP", "false")
        .containsEntry(
            "AUTORUNNER_GCE_SERVICE_ACCOUNT",
            "autorunner-runner@$PROJECT_ID.iam.gserviceaccount.com")
        .containsEntry("AUTORUNNER_NAMING_PREFIX", "${_NAME_PREFIX}");
    // The prefix the handler's IAM condition names is the one both services name VMs with.
    assertThat(env(scheduler)).containsEntry("AUTORUNNER_NAMING_PREFIX", "${_NAME_PREFIX}");
    assertThat(substitutions)
        .containsEntry("_NAME_PREFIX", "ghr")
        .containsEntry("_RUNNER_NETWORK", "autorunner-runners")
        .containsEntry("_RUNNER_SUBNET", "autorunner-runners");
    // The runner account's only right: calling this one service.
    assertThat(args(steps, "allow-runners"))
        .containsExactly(
            "run",
            "services",
            "add-iam-policy-binding",
            "autorunner-handler",
            "--region=${_REGION}",
            "--member=serviceAccount:autorunner-runner@$PROJECT_ID.iam.gserviceaccount.com",
            "--role=roles/run.invoker");
    assertThat(steps.stream().filter(s -> "allow-runners".equals(s.get("id"))).findFirst())
        .get()
        .extracting(s -> s.get("waitFor").toString())
        .isEqualTo("[allow-invoker]");
  }

  @SuppressWarnings("unchecked")
  private static List<String> args(List<Map<String, Object>> steps, String id) {
    return steps.stream()
        .filter(s -> id.equals(s.get("id")))
        .findFirst()
        .map(s -> (List<String>) s.get("args"))
        .orElseThrow();
  }

  /** The --set-env-vars of a deploy step ({@code ^;^} makes ';' the separator). */
  private static Map<String, String> env(List<String> args) {
    String value =
        args.stream().filter(a -> a.startsWith("--set-env-vars=^;^")).findFirst().orElseThrow();
    return Pattern.compile(";")
        .splitAsStream(value.substring("--set-env-vars=^;^".length()))
        .map(pair -> pair.split("=", 2))
        .collect(Collectors.toMap(p -> p[0], p -> p[1]));
  }

  /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
  static List<String> instructions(Path dockerfile) throws IOException {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      if (line.trim().startsWith("#") || (current.length() == 0 && line.isBlank())) {
        continue;
      }
      boolean continued = line.endsWith("\\");
      current.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
      if (!continued) {
        Matcher spaces = Pattern.compile("\\s+").matcher(current.toString().trim());
        instructions.add(spaces.replaceAll(" "));
        current.setLength(0);
      }
    }
    return instructions;
  }
}
