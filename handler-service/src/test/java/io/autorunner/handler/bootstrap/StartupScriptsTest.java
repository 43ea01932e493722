package io.autorunner.handler.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.autorunner.common.policy.Accelerator;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.github.GitHubProperties;
import io.autorunner.handler.testing.ScriptRun;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StartupScriptsTest {

  private static final String VERSION = "2.335.1";
  private static final String LINUX_SHA =
      "4ef2f25285f0ae4477f1fe1e346db76d2f3ebf03824e2ddd1973a2819bf6c8cf";
  private static final String WINDOWS_SHA =
      "eb65c95277af42bcf3778a799c41359d224ba2a67b4de26b7cea1729b09c803d";
  private static final String DOWNLOAD_URL =
      "https://github.com/actions/runner/releases/download/vVERSION/FILE";

  private final StartupScripts scripts = new StartupScripts(github(WINDOWS_SHA));

  @TempDir Path tmp;

  @Test
  void rendersTheCpuLinuxScriptWithEveryValueSingleQuoted() {
    String script = scripts.render(cpuLinuxSpec(), "ghr-123-1");

    assertThat(script)
        .startsWith("#!/bin/bash\n")
        .contains("readonly RUNNER_NAME='ghr-123-1'\n")
        .contains("readonly RUNNER_VERSION='2.335.1'\n")
        .contains("readonly RUNNER_SHA256='" + LINUX_SHA + "'\n")
        .contains(
            "readonly RUNNER_URL='https://github.com/actions/runner/releases/download/v2.335.1/"
                + "actions-runner-linux-x64-2.335.1.tar.gz'\n")
        .contains("readonly GPU='0'\n")
        .contains("readonly RUNNER_LABELS='self-hosted,gce'\n")
        // No secret in the script: it asks the handler for its runner at boot.
        .contains("JIT_CONFIG=''\n")
        .contains("attributes/autorunner-runner-config-url")
        .contains("attributes/autorunner-runner-config-audience")
        .contains("format=full")
        .doesNotContain("@@")
        .doesNotContain("\r");
    // The NVIDIA fragment is inlined: the VM gets one self-contained script.
    assertThat(script).contains("install_nvidia_container_toolkit() {");
  }

  @Test
  void rendersTheGpuLinuxScriptWithTheGpuSwitchOn() {
    String script = scripts.render(gpuLinuxSpec(), "ghr-124-2");

    assertThat(script)
        .contains("readonly GPU='1'\n")
        .contains("readonly RUNNER_LABELS='self-hosted,gce,gpu'\n")
        .contains("ensure_nvidia_driver() {")
        .contains("nvidia-ctk runtime configure --runtime=docker")
        .doesNotContain("@@");
  }

  @Test
  void rendersTheWindowsScriptWithPowerShellQuotingAndCrlfLines() {
    RunnerSpec spec =
        new RunnerSpec(
            "n1-standard-4",
            new Accelerator("nvidia-tesla-t4", 1),
            100,
            null,
            null,
            true,
            OperatingSystem.WINDOWS,
            List.of("self-hosted", "gce", "windows", "it's", "curly\u2019quote"));

    String script = scripts.render(spec, "ghrw2n9c");

    assertThat(script)
        .contains("$RunnerName = 'ghrw2n9c'\r\n")
        .contains("$RunnerVersion = '2.335.1'\r\n")
        .contains("$RunnerSha256 = '" + WINDOWS_SHA + "'\r\n")
        .contains(
            "$RunnerUrl = 'https://github.com/actions/runner/releases/download/v2.335.1/"
                + "actions-runner-win-x64-2.335.1.zip'\r\n")
        .contains("$Gpu = '1'\r\n")
        // A quote is doubled; a typographic quote (which PowerShell also reads as one) is gone.
        .contains("$RunnerLabels = 'self-hosted,gce,windows,it''s,curly?quote'\r\n")
        .contains("$JitConfig = $null\r\n")
        .contains("attributes/autorunner-runner-config-url")
        .contains("Get-FileHash -Algorithm SHA256")
        .contains("Stop-Computer -Force")
        // A baked image's runner is taken only for this very release.
        .contains("$BakeMarker = 'C:\\autorunner\\baked'\r\n")
        .contains("if ($version -ne $RunnerVersion) {")
        .contains("if ($sha -ne $RunnerSha256) {")
        .doesNotContain("@@");
    assertThat(script.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    assertThat(script.chars().allMatch(c -> c < 0x80)).as("ASCII only").isTrue();
  }

  @Test
  void refusesWindowsWhenItsChecksumIsNotConfigured() {
    StartupScripts withoutWindowsSha = new StartupScripts(github(null));
    RunnerSpec spec =
        new RunnerSpec(
            "n2-standard-4",
            null,
            100,
            null,
            null,
            true,
            OperatingSystem.WINDOWS,
            List.of("self-hosted", "gce", "windows"));

    assertThatThrownBy(() -> withoutWindowsSha.render(spec, "ghrw2n9c"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("autorunner.github.runner-sha256-windows");
    assertThatThrownBy(() -> new StartupScripts(github(" ")).render(spec, "ghrw2n9c"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("autorunner.github.runner-sha256-windows");
    // Linux does not need it.
    assertThat(withoutWindowsSha.render(cpuLinuxSpec(), "ghr-1-1")).contains("GPU='0'");
  }

  static Stream<String> hostileTexts() {
    return Stream.of(
        "$(touch /tmp/pwned)",
        "`touch /tmp/pwned`",
        "'; rm -rf / #",
        "ghr-1-1\ntouch /tmp/pwned",
        "ghr-1-1'",
        "ghr 1 1");
  }

  @Test
  void refusesAnEmptyOrMissingRunnerName() {
    assertThatThrownBy(() -> scripts.render(cpuLinuxSpec(), ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> scripts.render(cpuLinuxSpec(), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @MethodSource("hostileTexts")
  void refusesAHostileRunnerName(String hostile) {
    assertThatThrownBy(() -> scripts.render(cpuLinuxSpec(), hostile))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runner name");
  }

  @Test
  void aTemplateWithAPlaceForAJitConfigIsRefusedSoNoSecretCanBeRenderedIn() {
    String linux = linuxTemplateWith("JIT_CONFIG=@@JIT_CONFIG@@\n");
    String windows = windowsTemplate() + "$JitConfig = @@JIT_CONFIG@@\n";

    assertThatThrownBy(() -> new StartupScripts(github(WINDOWS_SHA), linux, windowsTemplate()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("JIT_CONFIG");
    assertThatThrownBy(
            () -> new StartupScripts(github(WINDOWS_SHA), linuxTemplateWith(""), windows))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("JIT_CONFIG");
  }

  @ParameterizedTest
  @MethodSource("hostileTexts")
  void refusesAHostileRunnerVersion(String hostile) {
    StartupScripts hostileVersion =
        new StartupScripts(properties(VERSION + hostile, LINUX_SHA, WINDOWS_SHA, DOWNLOAD_URL));

    assertThatThrownBy(() -> hostileVersion.render(cpuLinuxSpec(), "ghr-1-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @MethodSource("hostileTexts")
  void refusesAHostileDownloadUrl(String hostile) {
    StartupScripts hostileUrl =
        new StartupScripts(properties(VERSION, LINUX_SHA, WINDOWS_SHA, DOWNLOAD_URL + hostile));

    assertThatThrownBy(() -> hostileUrl.render(cpuLinuxSpec(), "ghr-1-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("URL");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "file:///etc/passwd",
        "ftp://example.com/FILE",
        "https://example.com/$(id)/FILE",
        "https://example.com/a b/FILE"
      })
  void refusesADownloadUrlOutsideTheAllowList(String url) {
    StartupScripts other = new StartupScripts(properties(VERSION, LINUX_SHA, WINDOWS_SHA, url));

    assertThatThrownBy(() -> other.render(cpuLinuxSpec(), "ghr-1-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @MethodSource("hostileTexts")
  void refusesAHostileChecksum(String hostile) {
    StartupScripts hostileSha =
        new StartupScripts(
            properties(VERSION, LINUX_SHA.substring(8) + hostile, WINDOWS_SHA, DOWNLOAD_URL));

    assertThatThrownBy(() -> hostileSha.render(cpuLinuxSpec(), "ghr-1-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sha256");
  }

  @Test
  void acceptsAnUpperCaseChecksumAndRendersItLowerCase() {
    StartupScripts upper =
        new StartupScripts(properties(VERSION, LINUX_SHA.toUpperCase(), WINDOWS_SHA, DOWNLOAD_URL));

    assertThat(upper.render(cpuLinuxSpec(), "ghr-1-1"))
        .contains("readonly RUNNER_SHA256='" + LINUX_SHA + "'\n");
  }

  @Test
  void hostileLabelsInTheRenderedScriptDoNotExecute() throws Exception {
    Path marker = tmp.resolve("pwned");
    String touch = "touch " + marker;
    List<String> hostile =
        List.of(
            "$(" + touch + ")",
            "`" + touch + "`",
            "'; " + touch + " #",
            "'\"'\"'$(" + touch + ")",
            "x\n" + touch + "\n",
            "\u2019; " + touch,
            "${IFS}$(" + touch + ")",
            "\\'; " + touch + "; echo '");
    // Control: the same payload, unquoted, does run here; so the assertion below can fail.
    Path controlMarker = tmp.resolve("control");
    Process control =
        new ProcessBuilder("bash", "-c", "echo $(touch " + controlMarker + ")")
            .redirectErrorStream(true)
            .start();
    assertThat(control.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(controlMarker).exists();

    List<String> labels = new ArrayList<>(List.of("self-hosted", "gce"));
    labels.addAll(hostile);
    RunnerSpec spec =
        new RunnerSpec("n1-standard-4", null, 50, null, null, true, OperatingSystem.LINUX, labels);
    String script = scripts.render(spec, "ghr-9-1");

    ScriptRun run = runDryRun(script);

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(marker).doesNotExist();
    assertThat(tmp.resolve("system-calls")).as("no system command ran").doesNotExist();
    // The labels arrive as inert text on one log line, newlines flattened.
    assertThat(run.output())
        .contains("autorunner-bootstrap: job labels: self-hosted,gce,$(" + touch + "),`" + touch)
        .contains("x?" + touch + "?")
        .contains("dry run: would power off now")
        // The dry run stops before the VM would ask the handler for its runner.
        .doesNotContain("asking");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void renderedLinuxScriptPassesBashSyntaxCheck(boolean gpu) throws Exception {
    Path file = write(scripts.render(gpu ? gpuLinuxSpec() : cpuLinuxSpec(), "ghr-5-1"));

    ScriptRun check = run(List.of("bash", "-n", file.toString()), Map.of());

    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void renderedLinuxScriptPassesShellcheck(boolean gpu) throws Exception {
    boolean installed = onPath("shellcheck");
    if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("shellcheck is not installed, and CI=true requires it (apt-get install -y shellcheck)");
    }
    assumeTrue(installed, "shellcheck is not installed (apt-get install -y shellcheck)");
    Path file = write(scripts.render(gpu ? gpuLinuxSpec() : cpuLinuxSpec(), "ghr-5-1"));

    ScriptRun check =
        run(List.of("shellcheck", "--shell=bash", "--severity=warning", file.toString()), Map.of());

    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void bashQuotingRoundTripsAnyText() throws Exception {
    String text = "a'b\"c$(d)`e`\\f\ng ${h} !i";

    ScriptRun echo =
        run(List.of("bash", "-c", "printf %s " + StartupScripts.bashQuote(text)), Map.of());

    assertThat(echo.output()).isEqualTo(text);
  }

  @Test
  void powerShellQuotingDoublesEverySingleQuoteCharacter() {
    assertThat(StartupScripts.powerShellQuote("a'b\u2019c$(d)"))
        .isEqualTo("'a''b\u2019\u2019c$(d)'");
  }

  @Test
  void aTemplateWithAnUnknownPlaceholderIsRefusedAtConstruction() {
    String linux = linuxTemplateWith("echo @@UNKNOWN@@\n");

    assertThatThrownBy(() -> new StartupScripts(github(WINDOWS_SHA), linux, windowsTemplate()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("UNKNOWN");
  }

  @Test
  void aTemplateMissingAPlaceholderIsRefusedAtConstruction() {
    String windows = windowsTemplate().replace("@@RUNNER_LABELS@@", "''");

    assertThatThrownBy(
            () -> new StartupScripts(github(WINDOWS_SHA), linuxTemplateWith(""), windows))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("RUNNER_LABELS");
  }

  @Test
  void aValueThatLooksLikeAPlaceholderIsNotExpandedAgain() {
    RunnerSpec spec =
        new RunnerSpec(
            "n1-standard-4",
            null,
            50,
            null,
            null,
            true,
            OperatingSystem.LINUX,
            List.of("@@RUNNER_NAME@@"));

    assertThat(scripts.render(spec, "ghr-1-1"))
        .contains("readonly RUNNER_LABELS='@@RUNNER_NAME@@'\n")
        .contains("readonly RUNNER_NAME='ghr-1-1'\n");
  }

  // --- helpers

  private ScriptRun runDryRun(String script) throws IOException, InterruptedException {
    // Stubs shadow every command that could change this machine, in case the guard ever broke.
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    for (String command :
        List.of(
            "systemctl",
            "shutdown",
            "poweroff",
            "reboot",
            "runuser",
            "useradd",
            "usermod",
            "apt-get",
            "curl",
            "modprobe",
            "nvidia-ctk",
            "tar")) {
      Path stub = bin.resolve(command);
      Files.writeString(
          stub, "#!/bin/sh\necho \"$0 $*\" >> '" + tmp.resolve("system-calls") + "'\nexit 0\n");
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path file = write(script);
    return run(
        List.of("bash", file.toString()),
        Map.of(
            "AUTORUNNER_DRY_RUN",
            "1",
            "PATH",
            bin + ":/usr/local/bin:/usr/bin:/bin",
            "HOME",
            tmp.toString()));
  }

  private Path write(String script) throws IOException {
    Path file = Files.createTempFile(tmp, "startup", ".sh");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    return file;
  }

  private ScriptRun run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    return ScriptRun.run(tmp, command, env);
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static String linuxTemplateWith(String extra) {
    return "#!/bin/bash\n"
        + "N=@@RUNNER_NAME@@ V=@@RUNNER_VERSION@@ S=@@RUNNER_SHA256@@ U=@@RUNNER_URL@@\n"
        + "G=@@GPU@@ L=@@RUNNER_LABELS@@\n"
        + extra;
  }

  private static String windowsTemplate() {
    return "$N = @@RUNNER_NAME@@; $V = @@RUNNER_VERSION@@; $S = @@RUNNER_SHA256@@\n"
        + "$U = @@RUNNER_URL@@; $G = @@GPU@@; $L = @@RUNNER_LABELS@@\n";
  }

  private static RunnerSpec cpuLinuxSpec() {
    return new RunnerSpec(
        "n2-standard-4",
        null,
        50,
        null,
        null,
        true,
        OperatingSystem.LINUX,
        List.of("self-hosted", "gce"));
  }

  private static RunnerSpec gpuLinuxSpec() {
    return new RunnerSpec(
        "n1-standard-8",
        new Accelerator("nvidia-tesla-t4", 1),
        100,
        null,
        null,
        true,
        OperatingSystem.LINUX,
        List.of("self-hosted", "gce", "gpu"));
  }

  private static GitHubProperties github(String windowsSha) {
    return properties(VERSION, LINUX_SHA, windowsSha, DOWNLOAD_URL);
  }

  private static GitHubProperties properties(
      String version, String linuxSha, String windowsSha, String url) {
    return new GitHubProperties(
        URI.create("https://api.github.com"),
        "t",
        null,
        null,
        "autorunner",
        true,
        version,
        linuxSha,
        windowsSha,
        url);
  }
}
