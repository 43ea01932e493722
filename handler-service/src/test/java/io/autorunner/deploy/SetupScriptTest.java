package io.autorunner.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code deploy/setup.sh} against a fake {@code gcloud} (src/test/resources/deploy) that
 * records its calls and remembers what they created, so a second run sees the first one's work.
 */
class SetupScriptTest {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path SCRIPT = REPO.resolve("deploy/setup.sh");
  static final String SA = "@my-proj.iam.gserviceaccount.com";
  static final String HANDLER_URL = "https://autorunner-handler-123456789.us-central1.run.app";

  @TempDir Path dir;
  Path log;
  Path key;

  @BeforeEach
  void fakeGcloudOnPath() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path gcloud = bin.resolve("gcloud");
    try (var in = getClass().getResourceAsStream("/deploy/fake-gcloud")) {
      Files.write(gcloud, in.readAllBytes());
    }
    Files.setPosixFilePermissions(gcloud, PosixFilePermissions.fromString("rwxr-xr-x"));
    log = dir.resolve("calls.log");
    key = dir.resolve("app.pem");
    Files.writeString(
        key, "-----BEGIN RSA PRIVATE KEY-----\nMIIfake\n-----END RSA PRIVATE KEY-----\n");
  }

  @Test
  void aFirstRunCreatesEverythingWithLeastPrivilege() throws Exception {
    Result run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    List<String> calls = calls();
    assertThat(calls)
        .contains(
            "services enable run.googleapis.com cloudtasks.googleapis.com compute.googleapis.com"
                + " secretmanager.googleapis.com cloudscheduler.googleapis.com"
                + " artifactregistry.googleapis.com cloudbuild.googleapis.com iam.googleapis.com"
                + " firestore.googleapis.com datastore.googleapis.com --project=my-proj");
    for (String account : List.of("scheduler", "invoker", "handler", "deployer")) {
      assertThat(calls)
          .anyMatch(c -> c.startsWith("iam service-accounts create autorunner-" + account + " "));
    }
    assertThat(bindings(calls))
        .contains(
            "tasks queues autorunner roles/cloudtasks.enqueuer serviceAccount:autorunner-scheduler"
                + SA,
            "iam service-accounts autorunner-invoker"
                + SA
                + " roles/iam.serviceAccountUser serviceAccount:autorunner-scheduler"
                + SA,
            "projects my-proj roles/compute.instanceAdmin.v1 serviceAccount:autorunner-handler"
                + SA,
            "projects my-proj roles/datastore.user serviceAccount:autorunner-handler" + SA,
            "secrets autorunner-webhook-secret roles/secretmanager.secretAccessor"
                + " serviceAccount:autorunner-scheduler"
                + SA,
            "secrets autorunner-github-app-key roles/secretmanager.secretAccessor"
                + " serviceAccount:autorunner-handler"
                + SA);
    // The runtime accounts get nothing on the project beyond the handler's instance admin and
    // its entity reads and writes in the store.
    assertThat(bindings(calls))
        .filteredOn(b -> b.startsWith("projects ") && !b.contains("autorunner-deployer"))
        .containsExactlyInAnyOrder(
            "projects my-proj roles/compute.instanceAdmin.v1 serviceAccount:autorunner-handler"
                + SA,
            "projects my-proj roles/datastore.user serviceAccount:autorunner-handler" + SA);
    assertThat(String.join("\n", calls)).doesNotContain("roles/owner", "roles/editor");
    assertThat(calls)
        .anyMatch(
            c ->
                c.startsWith("tasks queues create autorunner --location=us-central1")
                    && c.contains("--max-attempts=")
                    && c.contains("--min-backoff=")
                    && c.contains("--max-backoff=")
                    && c.contains("--max-doublings=")
                    && c.contains("--max-concurrent-dispatches="));
    assertThat(calls)
        .anyMatch(
            c ->
                c.startsWith("scheduler jobs create http autorunner-reconcile")
                    && c.contains("--schedule=*/5 * * * *")
                    && c.contains("--http-method=POST")
                    && c.contains("--uri=" + HANDLER_URL + "/tasks/reconcile")
                    && c.contains("--oidc-service-account-email=autorunner-invoker" + SA)
                    && c.contains("--oidc-token-audience=" + HANDLER_URL));
    assertThat(calls)
        .contains(
            "firestore databases create --database=autorunner --location=us-central1"
                + " --type=datastore-mode --project=my-proj")
        .anyMatch(
            c ->
                c.startsWith(
                        "firestore fields ttls update expireAt --collection-group=JobReplacements"
                            + " --enable-ttl")
                    && c.contains("--database=autorunner")
                    && c.contains("--project=my-proj"));
    assertThat(calls)
        .contains(
            "secrets create autorunner-github-app-key --data-file="
                + key
                + " --replication-policy=automatic --project=my-proj");
    assertThat(run.output())
        .contains(
            "Webhook URL:    https://autorunner-scheduler-123456789.us-central1.run.app/webhook");
  }

  @Test
  void theWebhookSecretIsNeverPrintedOnlyHowToReadIt() throws Exception {
    Result first = setup("my-proj", key.toString());
    Result second = setup("my-proj", key.toString());

    String secret = webhookSecret();
    assertThat(secret).matches("[0-9a-f]{64}");
    for (Result run : List.of(first, second)) {
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output())
          .doesNotContain(secret)
          .contains(
              "gcloud secrets versions access latest --secret=autorunner-webhook-secret"
                  + " --project=my-proj");
    }
  }

  @Test
  void aSecondRunChangesNothing() throws Exception {
    setup("my-proj", key.toString());
    Files.delete(log);

    Result second = setup("my-proj", key.toString());

    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(calls())
        .isNotEmpty()
        .noneMatch(
            c ->
                c.matches(".* (create|enable|add-iam-policy-binding|add|update) .*")
                    || c.startsWith("services enable"))
        .contains("firestore databases describe --database=autorunner --project=my-proj")
        .anyMatch(
            c -> c.startsWith("firestore fields ttls list --collection-group=JobReplacements"));
  }

  @Test
  void theStoreLocationChoosesWhereTheDatabaseIsCreated() throws Exception {
    Result run = setup(Map.of("STORE_LOCATION", "nam5"), "my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(calls())
        .contains(
            "firestore databases create --database=autorunner --location=nam5"
                + " --type=datastore-mode --project=my-proj");
  }

  @Test
  void aChangedAppKeyBecomesTheSecretsNewVersion() throws Exception {
    setup("my-proj", key.toString());
    Files.delete(log);
    Path rotated = dir.resolve("rotated.pem");
    Files.writeString(
        rotated, "-----BEGIN RSA PRIVATE KEY-----\nMIInew\n-----END RSA PRIVATE KEY-----\n");

    Result run = setup("my-proj", rotated.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(calls())
        .contains(
            "secrets versions add autorunner-github-app-key --data-file="
                + rotated
                + " --project=my-proj")
        .noneMatch(c -> c.contains(" create "));
  }

  @Test
  void aFirstRunWithoutTheAppKeyStopsAndSaysWhy() throws Exception {
    Result run = setup("my-proj");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("pass its .pem file");
  }

  @Test
  void theScriptPassesShellcheck() throws Exception {
    boolean installed = onPath("shellcheck");
    if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("shellcheck is not installed, and CI=true requires it (apt-get install -y shellcheck)");
    }
    assumeTrue(installed, "shellcheck is not installed (apt-get install -y shellcheck)");

    Result check =
        run(
            List.of(
                "shellcheck",
                SCRIPT.toString(),
                REPO.resolve("bench/startup.sh").toString(),
                REPO.resolve("handler-service/src/test/resources/deploy/fake-gcloud").toString()),
            Map.of());

    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  private Result setup(String... args) throws Exception {
    return setup(Map.of(), args);
  }

  private Result setup(Map<String, String> extraEnv, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "PATH",
                dir.resolve("bin") + ":" + System.getenv("PATH"),
                "FAKE_GCLOUD_LOG",
                log.toString(),
                "FAKE_GCLOUD_STATE",
                dir.resolve("state").toString(),
                "GRANT_RETRY_SECONDS",
                "0"));
    env.putAll(extraEnv);
    return run(command, env);
  }

  private List<String> calls() throws IOException {
    return Files.readAllLines(log);
  }

  /** Each add-iam-policy-binding call as "KIND RESOURCE ROLE MEMBER". */
  private static List<String> bindings(List<String> calls) {
    List<String> bindings = new ArrayList<>();
    for (String call : calls) {
      int verb = call.indexOf(" add-iam-policy-binding ");
      if (verb < 0) {
        continue;
      }
      String resource = call.substring(verb + 24).split(" ")[0];
      bindings.add(
          call.substring(0, verb)
              + " "
              + resource
              + " "
              + flag(call, "role")
              + " "
              + flag(call, "member"));
    }
    return bindings;
  }

  private static String flag(String call, String name) {
    int start = call.indexOf("--" + name + "=") + name.length() + 3;
    int end = call.indexOf(' ', start);
    return call.substring(start, end < 0 ? call.length() : end);
  }

  /** The webhook secret as the fake's Secret Manager holds it. */
  private String webhookSecret() throws IOException {
    return Files.readString(dir.resolve("state/secrets/autorunner-webhook-secret"));
  }

  private static boolean onPath(String program) {
    for (String entry : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(entry, program))) {
        return true;
      }
    }
    return false;
  }

  private Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("timed out: " + command);
    }
    return new Result(process.exitValue(), output);
  }

  record Result(int exitCode, String output) {}
}
