package io.autorunner.handler.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.autorunner.handler.testing.ScriptRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NVIDIA repository key's pin in {@code bootstrap/linux/install-nvidia-driver.sh}, run in bash
 * after functions.sh (files under a test root, downloads and apt stubbed). {@code gpg --dearmor}
 * (which would write the system keyring) always fails here, and under {@code set -e} that stops the
 * fragment before it touches {@code /etc/apt}.
 */
class NvidiaKeyPinTest {

  static final Path FRAGMENT =
      Path.of("..", "bootstrap", "linux", "install-nvidia-driver.sh").toAbsolutePath().normalize();
  static final Path FUNCTIONS =
      Path.of("..", "bootstrap", "linux", "functions.sh").toAbsolutePath().normalize();
  static final String NVIDIA = "C95B321B61E88C1809C4F759DDCAE044F796ECB0";

  /** The throwaway key in src/test/resources/bootstrap/not-nvidia.asc (its secret is gone). */
  static final String NOT_NVIDIA = "132E50FB50AD83A18E3DEDD3619CD23BF5312DE2";

  @TempDir Path tmp;
  Path bin;
  Path calls;
  Path key;

  @BeforeEach
  void stubs() throws IOException {
    bin = Files.createDirectories(tmp.resolve("bin"));
    calls = tmp.resolve("calls");
    Files.createFile(calls);
    key = tmp.resolve("downloaded.asc");
    // Everything the fragment could change the machine with only records that it was called.
    for (String command : List.of("systemctl", "nvidia-ctk", "nvidia-container-cli", "modprobe")) {
      executable(command, "echo \"" + command + " $*\" >> '" + calls + "'\n");
    }
    executable("dpkg-query", "exit 1\n"); // nvidia-container-toolkit is not installed
  }

  @Test
  void aKeyWithAnotherFingerprintStopsTheBootstrapBeforeItBecomesTheRepositorysKeyring()
      throws Exception {
    Path gpg = realGpg();
    gpgWrapper("exec '" + gpg + "' \"$@\"\n");
    try (InputStream in = getClass().getResourceAsStream("/bootstrap/not-nvidia.asc")) {
      Files.write(key, in.readAllBytes());
    }

    ScriptRun run = fragment("install_nvidia_container_toolkit");

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("ERROR: the key at https://nvidia.github.io/libnvidia-container/gpgkey")
        .contains("not NVIDIA's pinned " + NVIDIA + " (found: " + NOT_NVIDIA + ")");
    assertThat(Files.readAllLines(calls))
        .anyMatch(c -> c.startsWith("gpg ") && c.contains("--show-keys"))
        .noneMatch(c -> c.contains("--dearmor"))
        .noneMatch(c -> c.startsWith("apt_") || c.startsWith("nvidia-ctk"));
  }

  @Test
  void theCheckRunsBeforeTheKeyBecomesTheRepositorysKeyring() throws Exception {
    fakeGpgListing(primary(NVIDIA));
    Files.writeString(key, "served key\n");

    ScriptRun run = fragment("install_nvidia_container_toolkit");

    assertThat(run.output()).contains("NVIDIA repository key " + NVIDIA + " verified");
    List<String> gpg =
        Files.readAllLines(calls).stream().filter(c -> c.startsWith("gpg ")).toList();
    assertThat(gpg).hasSize(2);
    assertThat(gpg.get(0)).contains("--show-keys");
    assertThat(gpg.get(1)).contains("--dearmor");
  }

  @Test
  void nvidiasKeyWithASubkeyPasses() throws Exception {
    fakeGpgListing(primary(NVIDIA) + subkey("0123456789ABCDEF0123456789ABCDEF01234567"));

    ScriptRun run = fragment("verify_nvidia_toolkit_key", key.toString());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("NVIDIA repository key " + NVIDIA + " verified");
  }

  @Test
  void nvidiasKeyWithAnotherKeyBesideItIsRefused() throws Exception {
    // apt would trust both for the repository.
    fakeGpgListing(primary(NVIDIA) + primary(NOT_NVIDIA));

    ScriptRun run = fragment("verify_nvidia_toolkit_key", key.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("(found: " + NVIDIA + " " + NOT_NVIDIA + ")");
  }

  @Test
  void anotherKeyCarryingNvidiasFingerprintOnASubkeyIsRefused() throws Exception {
    fakeGpgListing(primary(NOT_NVIDIA) + subkey(NVIDIA));

    ScriptRun run = fragment("verify_nvidia_toolkit_key", key.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("(found: " + NOT_NVIDIA + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "<html>404 Not Found</html>\n"})
  void aFileGpgReadsNoKeyFromIsRefused(String listing) throws Exception {
    // gpg prints nothing on stdout and fails for a file that is no key.
    gpgWrapper(
        "if [[ \"$*\" == *--show-keys* ]]; then printf '%s' '"
            + listing.replace("'", "")
            + "' >&2; exit 2; fi\nexit 1\n");

    ScriptRun run = fragment("verify_nvidia_toolkit_key", key.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("(found: no key)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"install-nvidia-driver.sh", "functions.sh"})
  void theFragmentsPassShellcheck(String fragment) throws Exception {
    Optional<Path> shellcheck = onPath("shellcheck");
    if (shellcheck.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("shellcheck is not installed, and CI=true requires it (apt-get install -y shellcheck)");
    }
    assumeTrue(shellcheck.isPresent(), "shellcheck is not installed");

    // SC2034: what a fragment defines for its including script (REBOOTING, STATE_DIR, ...) looks
    // unused alone (StartupScriptsTest and BakeImageTest check the assembled wholes).
    Path file = FRAGMENT.resolveSibling(fragment);
    ScriptRun check =
        run(List.of("shellcheck", "--shell=bash", "-e", "SC2034", file.toString()), Map.of());

    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  // --- helpers

  private static String primary(String fingerprint) {
    return "pub:-:4096:1:"
        + fingerprint.substring(24)
        + ":1500000000:::-:::scSC::::::23::0:\n"
        + "fpr:::::::::"
        + fingerprint
        + ":\n"
        + "uid:-::::1500000000::0000::a key <key@example.invalid>::::::::::0:\n";
  }

  private static String subkey(String fingerprint) {
    return "sub:-:4096:1:"
        + fingerprint.substring(24)
        + ":1500000000::::::e::::::23:\n"
        + "fpr:::::::::"
        + fingerprint
        + ":\n";
  }

  /** A gpg whose --show-keys lists {@code listing} in --with-colons form. */
  private void fakeGpgListing(String listing) throws IOException {
    Path file = tmp.resolve("listing");
    Files.writeString(file, listing);
    gpgWrapper("if [[ \"$*\" == *--show-keys* ]]; then cat '" + file + "'; exit 0; fi\nexit 1\n");
  }

  /** Records every gpg call; --dearmor fails (it would write the system keyring). */
  private void gpgWrapper(String body) throws IOException {
    executable(
        "gpg",
        "echo \"gpg $*\" >> '"
            + calls
            + "'\n"
            + "if [[ \"$*\" == *--dearmor* ]]; then exit 1; fi\n"
            + body);
  }

  private void executable(String name, String body) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!/usr/bin/env bash\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path realGpg() {
    Optional<Path> gpg = onPath("gpg");
    if (gpg.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("gpg is not installed, and CI=true requires it (apt-get install -y gnupg)");
    }
    assumeTrue(gpg.isPresent(), "gpg is not installed");
    return gpg.get();
  }

  /**
   * Sources functions.sh (as startup.sh inlines it) with download and apt stubbed, then the
   * fragment, then runs {@code call}.
   */
  private ScriptRun fragment(String... call) throws Exception {
    Path harness = tmp.resolve("harness.sh");
    Files.writeString(
        harness,
        "set -Eeuo pipefail\n"
            + "RUNNER_VERSION=2.335.1\n"
            + "source '"
            + FUNCTIONS
            + "'\n"
            + "download() { cp '"
            + key
            + "' \"$2\"; }\n"
            + "apt_get() { echo \"apt_get $*\" >> '"
            + calls
            + "'; }\n"
            + "apt_install() { echo \"apt_install $*\" >> '"
            + calls
            + "'; }\n"
            + "source '"
            + FRAGMENT
            + "'\n"
            + "\"$@\"\n");
    Path home = Files.createDirectories(tmp.resolve("gnupg"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    List<String> command = new ArrayList<>(List.of("bash", harness.toString()));
    command.addAll(List.of(call));
    return run(
        command,
        Map.of(
            "PATH", bin + ":/usr/local/bin:/usr/bin:/bin",
            "AUTORUNNER_ROOT", Files.createDirectories(tmp.resolve("root")).toString(),
            "GNUPGHOME", home.toString(),
            "TMPDIR", tmp.toString(),
            "HOME", tmp.toString()));
  }

  private static Optional<Path> onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Optional.of(Path.of(dir, program));
      }
    }
    return Optional.empty();
  }

  private ScriptRun run(List<String> command, Map<String, String> env) throws Exception {
    return ScriptRun.run(tmp, command, env);
  }
}
