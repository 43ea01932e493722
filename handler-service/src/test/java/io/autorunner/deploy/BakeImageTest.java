package io.autorunner.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.github.GitHubProperties;
import io.autorunner.handler.testing.FakeVm;
import io.autorunner.handler.testing.ScriptRun;
import io.autorunner.handler.vm.gce.GceProperties;
import java.io.IOException;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.yaml.snakeyaml.Yaml;

/**
 * The image bake: cloudbuild-bake.yaml against the handler's defaults, deploy/bake-image.sh against
 * a fake gcloud, and the bake script it hands the temporary VM run on a fake VM, whose disk then
 * boots a runner that installs nothing.
 */
class BakeImageTest {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path BAKE_IMAGE = REPO.resolve("deploy/bake-image.sh");

  @TempDir Path tmp;
  Path gcloudCalls;
  Path captured;

  @BeforeEach
  void fakeGcloud() throws IOException {
    gcloudCalls = tmp.resolve("gcloud-calls");
    captured = tmp.resolve("bake-startup.sh");
    Files.createDirectories(tmp.resolve("gcloud-bin"));
    guestAttribute("done");
  }

  @Test
  void theBakesDefaultRunnerIsTheHandlersDefaultRunner() throws IOException {
    Map<String, Object> substitutions = substitutions();

    // GitHub refuses to register runners that are too old, and a VM downloads the runner again
    // whenever the bake's differs: a bump of one without the other must fail here.
    assertThat(substitutions.get("_RUNNER_VERSION"))
        .isEqualTo(defaultOf(GitHubProperties.class, "runnerVersion"));
    assertThat(substitutions.get("_RUNNER_SHA256"))
        .isEqualTo(defaultOf(GitHubProperties.class, "runnerSha256Linux"));
    assertThat(substitutions.get("_RUNNER_DOWNLOAD_URL"))
        .isEqualTo(defaultOf(GitHubProperties.class, "runnerDownloadUrl"));
    // Baked from the images the handler boots without a bake.
    assertThat(substitutions.get("_CPU_BASE_IMAGE"))
        .isEqualTo(defaultOf(GceProperties.class, "cpuImage"));
    assertThat(substitutions.get("_GPU_BASE_IMAGE"))
        .isEqualTo(defaultOf(GceProperties.class, "gpuImage"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void cloudBuildBakesBothFamiliesWithTheBakeScriptAsTheBakerAccount() throws IOException {
    Map<String, Object> config = config();
    List<Map<String, Object>> steps = (List<Map<String, Object>>) config.get("steps");

    assertThat(config.get("serviceAccount"))
        .isEqualTo(
            "projects/$PROJECT_ID/serviceAccounts/autorunner-baker@$PROJECT_ID.iam.gserviceaccount.com");
    assertThat(steps).extracting(s -> s.get("id")).containsExactly("bake-cpu", "bake-gpu");
    Map<String, String> families = Map.of("cpu", "${_CPU_FAMILY}", "gpu", "${_GPU_FAMILY}");
    for (Map<String, Object> step : steps) {
      String kind = step.get("id").toString().substring("bake-".length());
      assertThat(step.get("args")).isEqualTo(List.of("deploy/bake-image.sh", kind));
      Map<String, String> env = new HashMap<>();
      for (String line : (List<String>) step.get("env")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
      assertThat(env)
          .containsEntry("RUNNER_VERSION", "${_RUNNER_VERSION}")
          .containsEntry("RUNNER_SHA256", "${_RUNNER_SHA256}")
          .containsEntry("FAMILY", families.get(kind))
          .containsKeys("PROJECT", "ZONE", "BASE_IMAGE", "SUBNET");
      // Every variable it sets is one the script reads.
      String script = Files.readString(BAKE_IMAGE);
      assertThat(env.keySet()).allMatch(name -> script.contains(name), "read by bake-image.sh");
    }
    assertThat(substitutions())
        .containsEntry("_CPU_FAMILY", "autorunner-cpu")
        .containsEntry("_GPU_FAMILY", "autorunner-gpu");
  }

  @Test
  void aBakeCreatesTheVmWaitsForItStopsItMakesTheImageAndDeletesTheVm() throws Exception {
    ScriptRun run = bakeImage("gpu", Map.of());

    assertThat(run.exitCode()).as(run.output()).isZero();
    List<String> calls = Files.readAllLines(gcloudCalls);
    String create = calls.get(0);
    assertThat(create)
        .startsWith("compute instances create autorunner-bake-gpu-42 --project=my-proj")
        .contains(
            "--zone=us-central1-a",
            "--image-project=deeplearning-platform-release",
            "--image-family=common-cu128-ubuntu-2204-nvidia-570",
            "--no-address",
            "--no-service-account",
            "--no-scopes",
            "--subnet=autorunner-runners",
            "--accelerator=type=nvidia-tesla-t4,count=1",
            "--maintenance-policy=TERMINATE",
            "enable-guest-attributes=TRUE",
            "autorunner-bake-runner-version=2.335.1",
            "autorunner-bake-gpu=1",
            "--metadata-from-file=startup-script=");
    assertThat(calls.subList(1, calls.size()))
        .containsExactly(
            "compute instances get-guest-attributes autorunner-bake-gpu-42 --zone=us-central1-a"
                + " --project=my-proj --query-path=autorunner/bake --format=value(value)",
            "compute instances stop autorunner-bake-gpu-42 --zone=us-central1-a --project=my-proj"
                + " --quiet",
            "compute images create autorunner-gpu-42 --project=my-proj --family=autorunner-gpu"
                + " --source-disk=autorunner-bake-gpu-42 --source-disk-zone=us-central1-a"
                + " --labels=autorunner-runner-version=2-335-1 --description=autorunner gpu runner"
                + " image: Actions runner 2.335.1, baked from"
                + " projects/deeplearning-platform-release/global/images/family/"
                + "common-cu128-ubuntu-2204-nvidia-570 --quiet",
            "compute instances delete autorunner-bake-gpu-42 --zone=us-central1-a"
                + " --project=my-proj --quiet");
    assertThat(run.output())
        .contains("autorunner.gce.gpu-image=projects/my-proj/global/images/family/autorunner-gpu");
    // The VM got the bake template with the bootstrap's own functions inlined.
    assertThat(Files.readString(captured))
        .startsWith("#!/bin/bash\n")
        .contains("install_docker() {", "unpack_runner_release() {", "ensure_nvidia_driver() {")
        .doesNotContain("@@");
  }

  @Test
  void aFailedBakeMakesNoImageAndStillDeletesTheVm() throws Exception {
    guestAttribute("failed");

    ScriptRun run = bakeImage("cpu", Map.of());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("the bake failed");
    List<String> calls = Files.readAllLines(gcloudCalls);
    assertThat(calls)
        .noneMatch(c -> c.startsWith("compute images create"))
        .noneMatch(c -> c.startsWith("compute instances stop"))
        .last()
        .isEqualTo(
            "compute instances delete autorunner-bake-cpu-42 --zone=us-central1-a"
                + " --project=my-proj --quiet");
  }

  @Test
  void aBakeWithoutAnAnswerGivesUpAtItsDeadline() throws Exception {
    guestAttribute("");

    ScriptRun run = bakeImage("cpu", Map.of("TIMEOUT_MINUTES", "0"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("no answer from the bake after 0 minutes");
    assertThat(Files.readAllLines(gcloudCalls))
        .noneMatch(c -> c.startsWith("compute images create"))
        .last()
        .asString()
        .startsWith("compute instances delete autorunner-bake-cpu-42");
  }

  @Test
  void aHostileSettingIsRefusedBeforeAnyVmExists() throws Exception {
    for (Map<String, String> bad :
        List.of(
            Map.of("RUNNER_VERSION", "2.335.1$(touch /tmp/x)"),
            Map.of("BASE_IMAGE", "debian-12"),
            Map.of("RUNNER_DOWNLOAD_URL", "https://example.com/a b/FILE"),
            Map.of("FAMILY", "Autorunner"))) {
      ScriptRun run = bakeImage("cpu", bad);

      assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
      assertThat(run.output()).contains("bake-image: ");
      assertThat(gcloudCalls).doesNotExist();
    }
  }

  @Test
  void theBakedDiskBootsARunnerThatInstallsNothing() throws Exception {
    FakeVm vm = FakeVm.debian(tmp.resolve("vm"));
    String sha = vm.packRelease();
    ScriptRun bake =
        bakeImage(
            "cpu",
            Map.of(
                "RUNNER_SHA256",
                sha.toUpperCase(),
                "RUNNER_DOWNLOAD_URL",
                FakeVm.RELEASE_HOST + "/vVERSION/FILE"));
    assertThat(bake.exitCode()).as(bake.output()).isZero();
    vm.bakeSettings(bakeMetadata(Files.readAllLines(gcloudCalls).get(0)));

    ScriptRun baking = vm.run(captured);

    assertThat(baking.exitCode()).as(baking.output()).isZero();
    assertThat(baking.output()).contains("installing docker (docker.io)", "bake done");
    Path marker = vm.root().resolve("etc/autorunner/baked");
    assertThat(Files.readAllLines(marker))
        .anyMatch(l -> l.matches("baked_at=20[0-9-]{8}T[0-9:]{8}Z"))
        .contains(
            "base_image=projects/debian-cloud/global/images/family/debian-12",
            "docker=20.10.24+dfsg1",
            "runner_version=2.335.1",
            "runner_sha256=" + sha)
        .noneMatch(l -> l.startsWith("nvidia"));
    assertThat(vm.root().resolve("opt/actions-runner-2.335.1/bin/Runner.Listener")).exists();
    assertThat(vm.root().resolve("var/lib/autorunner")).doesNotExist();
    assertThat(vm.calls())
        .contains(
            "installdependencies.sh in " + vm.root().resolve("opt/actions-runner-2.335.1/bin"))
        .contains(
            "curl PUT http://metadata.google.internal/computeMetadata/v1/instance"
                + "/guest-attributes/autorunner/bake done")
        .noneMatch(c -> c.contains("poweroff"));

    int before = vm.calls().size();
    Path startup = tmp.resolve("startup.sh");
    Files.writeString(startup, new StartupScripts(github(sha)).render(cpu(), "ghr-8-1"));
    ScriptRun boot = vm.run(startup);

    assertThat(boot.exitCode()).as(boot.output()).isZero();
    assertThat(boot.output()).contains("installed at boot: nothing, the image brought everything");
    List<String> bootCalls = vm.calls().subList(before, vm.calls().size());
    assertThat(bootCalls)
        .noneMatch(c -> c.startsWith("apt-get"))
        .noneMatch(c -> c.contains(FakeVm.RELEASE_HOST))
        .anyMatch(c -> c.startsWith("runner ran in "));
  }

  @Test
  void theBakeScriptsPassShellcheck() throws Exception {
    boolean installed = onPath("shellcheck");
    if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("shellcheck is not installed, and CI=true requires it (apt-get install -y shellcheck)");
    }
    assumeTrue(installed, "shellcheck is not installed");
    assertThat(bakeImage("gpu", Map.of()).exitCode()).isZero();

    for (Path script : List.of(BAKE_IMAGE, captured)) {
      ScriptRun check =
          ScriptRun.run(
              tmp,
              List.of("shellcheck", "--shell=bash", "--severity=style", script.toString()),
              Map.of());

      assertThat(check.exitCode()).as(script + "\n" + check.output()).isZero();
    }
  }

  // --- helpers

  /** The autorunner-bake-* metadata of the recorded create, as the VM's metadata server has it. */
  private static Map<String, String> bakeMetadata(String create) {
    String flag = "--metadata=";
    String list = create.substring(create.indexOf(flag) + flag.length());
    list = list.substring(0, list.indexOf(' '));
    Map<String, String> settings = new LinkedHashMap<>();
    for (String pair : list.split(",")) {
      String key = pair.substring(0, pair.indexOf('='));
      if (key.startsWith("autorunner-bake-")) {
        settings.put(key.substring("autorunner-bake-".length()), pair.substring(key.length() + 1));
      }
    }
    assertThat(settings).containsKeys("runner-version", "runner-sha256", "runner-url", "gpu");
    return settings;
  }

  private void guestAttribute(String value) throws IOException {
    Path gcloud = tmp.resolve("gcloud-bin/gcloud");
    Files.writeString(
        gcloud,
        "#!/bin/bash\n"
            + "echo \"$*\" >> '"
            + gcloudCalls
            + "'\n"
            + "case \"$1 $2 $3\" in\n"
            + "  'compute instances create')\n"
            + "    for a in \"$@\"; do\n"
            + "      case \"$a\" in --metadata-from-file=startup-script=*) cp \"${a#*=startup-script=}\" '"
            + captured
            + "' ;; esac\n"
            + "    done ;;\n"
            + "  'compute instances get-guest-attributes') printf '%s\\n' '"
            + value
            + "' ;;\n"
            + "esac\n");
    Files.setPosixFilePermissions(gcloud, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private ScriptRun bakeImage(String kind, Map<String, String> overrides)
      throws IOException, InterruptedException {
    Map<String, Object> substitutions = substitutions();
    String prefix = "_" + kind.toUpperCase() + "_";
    Map<String, String> env = new HashMap<>();
    env.put("PATH", tmp.resolve("gcloud-bin") + ":/usr/local/bin:/usr/bin:/bin");
    env.put("PROJECT", "my-proj");
    env.put("ZONE", substitutions.get("_ZONE").toString());
    env.put("RUNNER_VERSION", substitutions.get("_RUNNER_VERSION").toString());
    env.put("RUNNER_SHA256", substitutions.get("_RUNNER_SHA256").toString());
    env.put("RUNNER_DOWNLOAD_URL", substitutions.get("_RUNNER_DOWNLOAD_URL").toString());
    env.put("BASE_IMAGE", substitutions.get(prefix + "BASE_IMAGE").toString());
    env.put("FAMILY", substitutions.get(prefix + "FAMILY").toString());
    env.put("DISK_GB", substitutions.get(prefix + "DISK_GB").toString());
    env.put("SUBNET", substitutions.get("_SUBNET").toString());
    env.put("BAKE_ID", "42");
    env.put("POLL_SECONDS", "0");
    env.put("TMPDIR", Files.createDirectories(tmp.resolve("bake-tmp")).toString());
    if (kind.equals("gpu")) {
      env.put("ACCELERATOR", substitutions.get("_GPU_ACCELERATOR").toString());
      env.put("MACHINE_TYPE", substitutions.get("_GPU_MACHINE_TYPE").toString());
    }
    env.putAll(overrides);
    return ScriptRun.run(tmp, List.of("bash", BAKE_IMAGE.toString(), kind), env);
  }

  private static Map<String, Object> config() throws IOException {
    return new Yaml().load(Files.readString(REPO.resolve("cloudbuild-bake.yaml")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> substitutions() throws IOException {
    return (Map<String, Object>) config().get("substitutions");
  }

  /** The {@code @DefaultValue} of a configuration record's component. */
  private static String defaultOf(Class<? extends Record> type, String component) {
    RecordComponent[] components = type.getRecordComponents();
    Parameter[] parameters =
        type.getDeclaredConstructors()[0].getParameterCount() == components.length
            ? type.getDeclaredConstructors()[0].getParameters()
            : null;
    assertThat(parameters).as("canonical constructor of " + type).isNotNull();
    for (int i = 0; i < components.length; i++) {
      if (components[i].getName().equals(component)) {
        DefaultValue value = parameters[i].getAnnotation(DefaultValue.class);
        assertThat(value).as(component + " has a @DefaultValue").isNotNull();
        return String.join(",", value.value());
      }
    }
    throw new AssertionError(type + " has no component " + component);
  }

  private static GitHubProperties github(String linuxSha) {
    return new GitHubProperties(
        URI.create("https://api.github.com"),
        "t",
        null,
        null,
        "autorunner",
        true,
        "2.335.1",
        linuxSha,
        null,
        FakeVm.RELEASE_HOST + "/vVERSION/FILE");
  }

  private static RunnerSpec cpu() {
    return new RunnerSpec(
        "n2-standard-4", null, 50, null, null, true, OperatingSystem.LINUX, List.of("self-hosted"));
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
