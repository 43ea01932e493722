package io.autorunner.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.autorunner.handler.testing.ScriptRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    List<String> calls = calls();
    assertThat(calls)
        .contains(
            "services enable run.googleapis.com cloudtasks.googleapis.com compute.googleapis.com"
                + " secretmanager.googleapis.com cloudscheduler.googleapis.com"
                + " artifactregistry.googleapis.com cloudbuild.googleapis.com iam.googleapis.com"
                + " firestore.googleapis.com datastore.googleapis.com logging.googleapis.com"
                + " monitoring.googleapis.com --project=my-proj");
    for (String account :
        List.of("scheduler", "invoker", "handler", "deployer", "runner", "baker")) {
      assertThat(calls)
          .anyMatch(c -> c.startsWith("iam service-accounts create autorunner-" + account + " "));
    }
    assertThat(String.join("\n", calls))
        .doesNotContain(
            "roles/owner",
            "roles/editor",
            "roles/compute.instanceAdmin",
            "roles/datastore.user",
            "roles/run.developer");
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
        .as("capacity notes expire by themselves too")
        .anyMatch(
            c ->
                c.startsWith(
                        "firestore fields ttls update expireAt --collection-group=CapacityNote"
                            + " --enable-ttl")
                    && c.contains("--database=autorunner"));
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
  void eachIdentityGetsExactlyItsBindingsOnItsOwnResources() throws Exception {
    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    List<String> bindings = bindings(calls());
    assertThat(bindingsOf(bindings, "autorunner-scheduler"))
        .containsExactlyInAnyOrder(
            "tasks queues autorunner roles/cloudtasks.enqueuer",
            "iam service-accounts autorunner-invoker" + SA + " roles/iam.serviceAccountUser",
            "secrets autorunner-webhook-secret roles/secretmanager.secretAccessor");
    assertThat(bindingsOf(bindings, "autorunner-handler"))
        .containsExactlyInAnyOrder(
            "projects my-proj projects/my-proj/roles/autorunnerHandler",
            "projects my-proj projects/my-proj/roles/autorunnerHandlerProject",
            "iam service-accounts autorunner-runner" + SA + " roles/iam.serviceAccountUser",
            "secrets autorunner-github-app-key roles/secretmanager.secretAccessor");
    assertThat(bindingsOf(bindings, "autorunner-deployer"))
        .containsExactlyInAnyOrder(
            "run services autorunner-handler roles/run.admin",
            "run services autorunner-scheduler roles/run.admin",
            "iam service-accounts autorunner-scheduler" + SA + " roles/iam.serviceAccountUser",
            "iam service-accounts autorunner-handler" + SA + " roles/iam.serviceAccountUser",
            "artifacts repositories autorunner roles/artifactregistry.writer",
            "storage buckets gs://my-proj_cloudbuild roles/storage.objectViewer",
            "projects my-proj roles/logging.logWriter");
    // Their run.invoker on the handler service is cloudbuild.yaml's (the service is replaced
    // there); nothing here.
    assertThat(bindingsOf(bindings, "autorunner-invoker")).isEmpty();
    assertThat(bindingsOf(bindings, "autorunner-runner")).isEmpty();
  }

  @Test
  void theHandlersRolesHoldOnlyThePermissionsItsCallsNeed() throws Exception {
    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(rolePermissions("create", "autorunnerHandler"))
        .containsExactlyInAnyOrder(
            "compute.disks.create",
            "compute.instances.create",
            "compute.instances.delete",
            "compute.instances.get",
            "compute.instances.setLabels",
            "compute.instances.setMetadata",
            "compute.instances.setServiceAccount");
    assertThat(rolePermissions("create", "autorunnerHandlerProject"))
        .containsExactlyInAnyOrder(
            "compute.images.get",
            "compute.images.getFromFamily",
            "compute.images.useReadOnly",
            "compute.instances.list",
            "compute.regionOperations.get",
            "compute.regions.get",
            "compute.subnetworks.use",
            "compute.zoneOperations.get",
            "compute.zoneOperations.list",
            "datastore.databases.get",
            "datastore.entities.create",
            "datastore.entities.get",
            "datastore.entities.update");
  }

  @Test
  void theVmRoleIsBoundOnlyForVmsAndDisksNamedWithThePrefixTheProjectRoleUnconditioned()
      throws Exception {
    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(calls())
        .contains(
            "projects add-iam-policy-binding my-proj"
                + " --role=projects/my-proj/roles/autorunnerHandler"
                + " --member=serviceAccount:autorunner-handler"
                + SA
                + " --condition=expression="
                + vmCondition("ghr-", "ghrw")
                + ",title=autorunner-vms-ghr --quiet",
            "projects add-iam-policy-binding my-proj"
                + " --role=projects/my-proj/roles/autorunnerHandlerProject"
                + " --member=serviceAccount:autorunner-handler"
                + SA
                + " --condition=None --quiet");
  }

  @Test
  void theBakerMayHandleOnlyBakeVmsAndTheImagesMadeFromThem() throws Exception {
    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(bindingsOf(bindings(calls()), "autorunner-baker"))
        .containsExactlyInAnyOrder(
            "projects my-proj projects/my-proj/roles/autorunnerBaker",
            "projects my-proj projects/my-proj/roles/autorunnerBakerProject",
            "storage buckets gs://my-proj_cloudbuild roles/storage.objectViewer",
            "projects my-proj roles/logging.logWriter");
    // deploy/bake-image.sh names its VM (and so its disk) autorunner-bake-KIND-ID.
    assertThat(calls())
        .contains(
            "projects add-iam-policy-binding my-proj"
                + " --role=projects/my-proj/roles/autorunnerBaker"
                + " --member=serviceAccount:autorunner-baker"
                + SA
                + " --condition=expression="
                + vmCondition("autorunner-bake-")
                + ",title=autorunner-bake-vms --quiet");
    assertThat(rolePermissions("create", "autorunnerBaker"))
        .containsExactlyInAnyOrder(
            "compute.disks.create",
            "compute.disks.useReadOnly",
            "compute.instances.create",
            "compute.instances.delete",
            "compute.instances.get",
            "compute.instances.getGuestAttributes",
            "compute.instances.getSerialPortOutput",
            "compute.instances.setLabels",
            "compute.instances.setMetadata",
            "compute.instances.stop");
    assertThat(rolePermissions("create", "autorunnerBakerProject"))
        .containsExactlyInAnyOrder(
            "compute.globalOperations.get",
            "compute.images.create",
            "compute.images.get",
            "compute.images.getFromFamily",
            "compute.images.useReadOnly",
            "compute.subnetworks.use",
            "compute.zoneOperations.get");
    // It may act as no service account: the bake VM has none.
    assertThat(calls())
        .noneMatch(
            c ->
                c.contains("--member=serviceAccount:autorunner-baker")
                    && c.contains("roles/iam.serviceAccountUser"));
    assertThat(run.output()).contains("--config=cloudbuild-bake.yaml");
  }

  @Test
  void anotherNamePrefixNamesItsLinuxAndWindowsFormsInTheCondition() throws Exception {
    ScriptRun run = setup(Map.of("NAME_PREFIX", "runners1"), "my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(calls())
        .anyMatch(
            c ->
                c.contains("--role=projects/my-proj/roles/autorunnerHandler ")
                    && c.contains(
                        "--condition=expression="
                            + vmCondition("runners1-", "runnw")
                            + ",title=autorunner-vms-runners1 "));
    assertThat(run.output()).contains("_NAME_PREFIX=runners1,");
  }

  @Test
  void aNamePrefixTheServicesWouldRefuseStopsTheScript() throws Exception {
    ScriptRun run = setup(Map.of("NAME_PREFIX", "GHR-"), "my-proj", key.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("NAME_PREFIX must be");
    assertThat(log).doesNotExist();
  }

  @Test
  void aChangedRoleGetsExactlyTheWantedPermissionsBack() throws Exception {
    setup("my-proj", key.toString());
    Path role = dir.resolve("state/resources/iam_roles__autorunnerHandlerProject");
    Files.writeString(
        role,
        Files.readString(role)
            .replace("compute.instances.list", "compute.instances.list,compute.instances.setTags"));
    Files.delete(log);

    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(rolePermissions("update", "autorunnerHandlerProject"))
        .doesNotContain("compute.instances.setTags")
        .contains("compute.instances.list")
        .hasSize(13);
    assertThat(calls()).noneMatch(c -> c.startsWith("iam roles update autorunnerHandler "));
  }

  @Test
  void aRoleDeletedLatelyIsUndeletedAndSetBackInsteadOfCreated() throws Exception {
    setup("my-proj", key.toString());
    Path role = dir.resolve("state/resources/iam_roles__autorunnerHandler");
    Files.writeString(role, "--deleted\n", StandardOpenOption.APPEND);
    Files.delete(log);

    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(calls())
        .contains("iam roles undelete autorunnerHandler --project=my-proj --quiet")
        .noneMatch(c -> c.startsWith("iam roles create"))
        .noneMatch(c -> c.startsWith("iam roles undelete autorunnerHandlerProject"));
    assertThat(Files.readAllLines(role)).doesNotContain("--deleted");
  }

  @Test
  void theBroadRolesOfEarlierVersionsAreRevokedOnceTheNarrowOnesAreBound() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.writeString(
        state.resolve("bindings"),
        "projects my-proj|roles/compute.instanceAdmin.v1,serviceAccount:autorunner-handler"
            + SA
            + ",\n"
            + "projects my-proj|roles/datastore.user,serviceAccount:autorunner-handler"
            + SA
            + ",\n"
            + "projects my-proj|roles/run.admin,serviceAccount:autorunner-deployer"
            + SA
            + ",\n");

    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    List<String> calls = calls();
    for (String old :
        List.of(
            "roles/compute.instanceAdmin.v1 --member=serviceAccount:autorunner-handler",
            "roles/datastore.user --member=serviceAccount:autorunner-handler",
            "roles/run.admin --member=serviceAccount:autorunner-deployer")) {
      String revoke =
          "projects remove-iam-policy-binding my-proj --role=" + old + SA + " --condition=None";
      assertThat(calls).anyMatch(c -> c.startsWith(revoke));
    }
    assertThat(calls.indexOf(firstStartingWith(calls, "projects remove-iam-policy-binding")))
        .isGreaterThan(
            calls.indexOf(
                firstStartingWith(
                    calls,
                    "projects add-iam-policy-binding my-proj"
                        + " --role=projects/my-proj/roles/autorunnerHandlerProject")));
    assertThat(Files.readString(state.resolve("bindings")))
        .doesNotContain(
            "projects my-proj|roles/compute.instanceAdmin.v1",
            "projects my-proj|roles/datastore.user",
            "projects my-proj|roles/run.admin");
  }

  @Test
  void theRunnersGetANetworkOfTheirOwnClosedToIngressWithNatAndPrivateGoogleAccess()
      throws Exception {
    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(calls())
        .contains(
            "compute networks create autorunner-runners --subnet-mode=custom --project=my-proj",
            "compute networks subnets create autorunner-runners --network=autorunner-runners"
                + " --region=us-central1 --range=10.64.0.0/20 --enable-private-ip-google-access"
                + " --project=my-proj",
            "compute firewall-rules create autorunner-runners-deny-ingress"
                + " --network=autorunner-runners --direction=INGRESS --action=DENY --rules=all"
                + " --source-ranges=0.0.0.0/0 --priority=65534 --project=my-proj",
            "compute routers create autorunner-runners --network=autorunner-runners"
                + " --region=us-central1 --project=my-proj",
            "compute routers nats create autorunner-runners --router=autorunner-runners"
                + " --region=us-central1 --auto-allocate-nat-external-ips"
                + " --nat-custom-subnet-ip-ranges=autorunner-runners --project=my-proj")
        // No rule lets anything in.
        .noneMatch(c -> c.startsWith("compute firewall-rules create") && c.contains("ALLOW"))
        .noneMatch(c -> c.startsWith("compute networks subnets update"));
    assertThat(run.output())
        .contains("_RUNNER_NETWORK=autorunner-runners,_RUNNER_SUBNET=autorunner-runners,");
  }

  @Test
  void aNetworkOfYoursGetsPrivateGoogleAccessAndNothingElse() throws Exception {
    existing("compute_networks__default", "name: default");
    existing("compute_networks_subnets__default", "name: default");

    ScriptRun run = setup(Map.of("RUNNER_NETWORK", "default"), "my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(calls())
        .noneMatch(c -> c.startsWith("compute ") && c.contains(" create "))
        .contains(
            "compute networks subnets update default --region=us-central1"
                + " --enable-private-ip-google-access --project=my-proj");
    assertThat(run.output()).contains("_RUNNER_NETWORK=default,_RUNNER_SUBNET=default,");
  }

  @Test
  void aNetworkOfYoursThatDoesNotExistStopsTheScript() throws Exception {
    ScriptRun run = setup(Map.of("RUNNER_NETWORK", "nope"), "my-proj", key.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("RUNNER_NETWORK=nope does not exist");
    assertThat(calls()).noneMatch(c -> c.startsWith("compute ") && c.contains(" create "));
  }

  @Test
  void bothServicesStartAsPrivatePlaceholdersSoTheDeployersRolesCanBeOnThemAlone()
      throws Exception {
    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    List<String> calls = calls();
    assertThat(calls)
        .contains(
            "run deploy autorunner-handler --image=us-docker.pkg.dev/cloudrun/container/hello"
                + " --region=us-central1 --service-account=autorunner-handler"
                + SA
                + " --no-allow-unauthenticated --ingress=internal --project=my-proj --quiet",
            "run deploy autorunner-scheduler --image=us-docker.pkg.dev/cloudrun/container/hello"
                + " --region=us-central1 --service-account=autorunner-scheduler"
                + SA
                + " --no-allow-unauthenticated --project=my-proj --quiet");
    assertThat(calls.indexOf(firstStartingWith(calls, "run services add-iam-policy-binding")))
        .isGreaterThan(calls.indexOf(firstStartingWith(calls, "run deploy autorunner-scheduler")));
  }

  @Test
  void theWebhookSecretIsNeverPrintedOnlyHowToReadIt() throws Exception {
    ScriptRun first = setup("my-proj", key.toString());
    ScriptRun second = setup("my-proj", key.toString());

    String secret = webhookSecret();
    assertThat(secret).matches("[0-9a-f]{64}");
    for (ScriptRun run : List.of(first, second)) {
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

    ScriptRun second = setup("my-proj", key.toString());

    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(calls())
        .isNotEmpty()
        .noneMatch(
            c ->
                c.matches(
                        ".* (create|enable|add-iam-policy-binding|remove-iam-policy-binding|add"
                            + "|update|deploy|undelete) .*")
                    || c.startsWith("services enable")
                    || c.startsWith("run deploy"))
        .contains("firestore databases describe --database=autorunner --project=my-proj")
        .anyMatch(
            c -> c.startsWith("firestore fields ttls list --collection-group=JobReplacements"));
  }

  @Test
  void everyLogBasedMetricAndTheDashboardAreInstalledAsTheFilesDefineThem() throws Exception {
    ScriptRun run = setup("my-proj", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    List<String> calls = calls();
    List<Path> metrics;
    try (var files = Files.list(REPO.resolve("deploy/monitoring/metrics"))) {
      metrics = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(metrics).hasSizeGreaterThanOrEqualTo(13);
    for (Path file : metrics) {
      String metric = file.getFileName().toString().replace(".yaml", "");
      String call =
          firstStartingWith(calls, "logging metrics create " + metric + " --config-from-file=");
      assertThat(call).endsWith("--project=my-proj");
      Path installed = dir.resolve("state/resources/logging_metrics__" + metric + ".config");
      assertThat(Files.readString(installed))
          .as("what %s was installed with: the file, its description marked", metric)
          .isEqualTo(
              Files.readString(file)
                  .replaceFirst(
                      "(?m)^description: \"(.*)\"$",
                      "description: \"$1 [definition " + sha256(file).substring(0, 16) + "]\""));
    }
    assertThat(calls)
        .anyMatch(c -> c.startsWith("monitoring dashboards create --config-from-file="));
  }

  @Test
  void anEditedMetricOrDashboardIsUpdatedAndNothingElse() throws Exception {
    Path copy = dir.resolve("repo");
    copyTree(REPO.resolve("deploy"), copy.resolve("deploy"));
    run(
        List.of("bash", copy.resolve("deploy/setup.sh").toString(), "my-proj", key.toString()),
        env());
    Path latency = copy.resolve("deploy/monitoring/metrics/autorunner_webhook_latency.yaml");
    Files.writeString(
        latency, Files.readString(latency).replace("growthFactor: 2", "growthFactor: 3"));
    Path dashboard = copy.resolve("deploy/monitoring/dashboard.json");
    Files.writeString(dashboard, Files.readString(dashboard).replace("p50 / p99", "median / p99"));
    Files.delete(log);

    ScriptRun second =
        run(
            List.of("bash", copy.resolve("deploy/setup.sh").toString(), "my-proj", key.toString()),
            env());

    assertThat(second.exitCode()).as(second.output()).isZero();
    List<String> changes =
        calls().stream().filter(c -> c.matches(".* (create|update) .*")).toList();
    assertThat(changes).hasSize(2);
    assertThat(changes.get(0))
        .startsWith("logging metrics update autorunner_webhook_latency --config-from-file=");
    assertThat(changes.get(1)).startsWith("monitoring dashboards update projects/p/dashboards/");
  }

  @Test
  void theStoreLocationChoosesWhereTheDatabaseIsCreated() throws Exception {
    ScriptRun run = setup(Map.of("STORE_LOCATION", "nam5"), "my-proj", key.toString());

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

    ScriptRun run = setup("my-proj", rotated.toString());

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
    ScriptRun run = setup("my-proj");

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

    ScriptRun check =
        run(
            List.of(
                "shellcheck",
                SCRIPT.toString(),
                REPO.resolve("bench/startup.sh").toString(),
                REPO.resolve("handler-service/src/test/resources/deploy/fake-gcloud").toString()),
            Map.of());

    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  private ScriptRun setup(String... args) throws Exception {
    return setup(Map.of(), args);
  }

  private ScriptRun setup(Map<String, String> extraEnv, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    Map<String, String> env = env();
    env.putAll(extraEnv);
    return run(command, env);
  }

  private Map<String, String> env() {
    return new HashMap<>(
        Map.of(
            "PATH",
            dir.resolve("bin") + ":" + System.getenv("PATH"),
            "FAKE_GCLOUD_LOG",
            log.toString(),
            "FAKE_GCLOUD_STATE",
            dir.resolve("state").toString(),
            "GRANT_RETRY_SECONDS",
            "0"));
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var all = Files.walk(from)) {
      for (Path source : all.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
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

  /** What {@code member} (an account's name) was granted, as "KIND RESOURCE ROLE". */
  private static List<String> bindingsOf(List<String> bindings, String member) {
    String suffix = " serviceAccount:" + member + SA;
    return bindings.stream()
        .filter(b -> b.endsWith(suffix))
        .map(b -> b.substring(0, b.length() - suffix.length()))
        .toList();
  }

  /** The permissions of the {@code iam roles VERB ID} call. */
  private List<String> rolePermissions(String verb, String id) throws IOException {
    String call = firstStartingWith(calls(), "iam roles " + verb + " " + id + " ");
    return List.of(flag(call, "permissions").split(","));
  }

  /** The condition on the handler's VM role, for the Linux and Windows name forms. */
  private static String vmCondition(String... nameStarts) {
    StringBuilder condition =
        new StringBuilder(
            "(resource.type != \"compute.googleapis.com/Instance\""
                + " && resource.type != \"compute.googleapis.com/Disk\")");
    for (String start : nameStarts) {
      for (String kind : List.of("instances", "disks")) {
        condition
            .append(" || resource.name.extract(\"/")
            .append(kind)
            .append("/{name}\").startsWith(\"")
            .append(start)
            .append("\")");
      }
    }
    return condition.toString();
  }

  private static String firstStartingWith(List<String> calls, String start) {
    return calls.stream().filter(c -> c.startsWith(start)).findFirst().orElseThrow();
  }

  /** A resource the fake reports as existing, with its state file's content. */
  private void existing(String file, String content) throws IOException {
    Path resources = Files.createDirectories(dir.resolve("state/resources"));
    Files.writeString(resources.resolve(file), content + "\n");
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

  private ScriptRun run(List<String> command, Map<String, String> env) throws Exception {
    return ScriptRun.run(dir, command, env);
  }
}
