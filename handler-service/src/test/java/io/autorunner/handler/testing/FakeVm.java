package io.autorunner.handler.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A runner VM for the Linux scripts (startup.sh, bake.sh) to run on without touching this machine:
 * every file they read or write lives under {@link #root()} ({@code AUTORUNNER_ROOT}), and their
 * PATH holds only fakes of the system's commands (which record their calls and change only the fake
 * VM's files) plus plain file tools. Docker, nvidia-smi or git exist on it only when the test puts
 * them there, whatever this machine has installed.
 */
public final class FakeVm {

  /** The runner release URL the fake curl serves {@link #release()} at. */
  public static final String RELEASE_HOST = "https://releases.example.test";

  /** The JIT config the fake handler hands out (base64, as the script checks). */
  public static final String JIT_CONFIG = "ZmFrZS1qaXQtY29uZmlnCg==";

  private static final List<String> FILE_TOOLS =
      List.of(
          "bash",
          "sh",
          "env",
          "cat",
          "cut",
          "mktemp",
          "rm",
          "mkdir",
          "tar",
          "gzip",
          "sha256sum",
          "mv",
          "chmod",
          "grep",
          "head",
          "tail",
          "dirname",
          "date",
          "touch",
          "tr",
          "awk",
          "sort",
          "ls",
          "cp",
          "sed",
          "basename",
          "readlink",
          "wc",
          "find",
          "cmp",
          "sleep");

  private final Path dir;
  private final Path root;
  private final Path bin;
  private final Path tools;
  private final Path calls;
  private final Path release;

  private FakeVm(Path dir) {
    this.dir = dir;
    this.root = dir.resolve("root");
    this.bin = dir.resolve("bin");
    this.tools = dir.resolve("tools");
    this.calls = dir.resolve("calls");
    this.release = dir.resolve("release.tar.gz");
  }

  /** A Debian VM without Docker, GPU driver or runner user: what a base image brings. */
  public static FakeVm debian(Path dir) throws IOException {
    FakeVm vm = new FakeVm(dir);
    vm.build();
    return vm;
  }

  private void build() throws IOException {
    Files.createDirectories(bin);
    Files.createDirectories(tools);
    Files.createFile(calls);
    for (String tool : FILE_TOOLS) {
      for (String where : List.of("/usr/bin/", "/bin/")) {
        Path real = Path.of(where + tool);
        if (Files.isExecutable(real)) {
          // A wrapper, not a link: JUnit warns about links out of a temporary directory.
          executable(tools.resolve(tool), "exec " + real + " \"$@\"\n");
          break;
        }
      }
    }
    file("etc/os-release", "ID=debian\nVERSION_CODENAME=bookworm\n");
    file("etc/ssl/certs/ca-certificates.crt", "certificates\n");
    Files.createDirectories(root.resolve("etc/apt/sources.list.d"));
    Files.createDirectories(root.resolve("etc/docker"));
    Files.createDirectories(root.resolve("home"));
    // Plain records: whatever a VM's system would do, the fake VM only notes.
    for (String command :
        List.of(
            "systemctl",
            "shutdown",
            "poweroff",
            "reboot",
            "sync",
            "usermod",
            "chown",
            "modprobe",
            "nvidia-container-cli")) {
      fake(command, "");
    }
    fake("uname", "[ \"$1\" = -m ] && echo x86_64 || echo Linux\n");
    fake(
        "id",
        "if [ \"$*\" = -u ]; then echo 0; exit 0; fi\n"
            + "[ -e '"
            + dir.resolve("user-runner")
            + "' ] && { echo 1000; exit 0; }\nexit 1\n");
    fake(
        "useradd",
        "touch '"
            + dir.resolve("user-runner")
            + "'; mkdir -p '"
            + root.resolve("home/runner")
            + "'\n");
    fake(
        "getent",
        "[ -e '"
            + dir.resolve("user-runner")
            + "' ] || exit 2\necho 'runner:x:1000:1000::"
            + root.resolve("home/runner")
            + ":/bin/bash'\n");
    // apt-get "installs" a package by putting its command on the fake VM.
    fake(
        "apt-get",
        "case \"$*\" in\n"
            + "  *' install '*docker.io*) printf '#!/bin/bash\\necho \"Docker version 20.10.24+dfsg1,"
            + " build 297e128\"\\n' > '"
            + bin.resolve("docker")
            + "'; chmod +x '"
            + bin.resolve("docker")
            + "' ;;\nesac\n");
    fake(
        "runuser",
        "[ -n \"${ACTIONS_RUNNER_INPUT_JITCONFIG:-}\" ] || { echo 'no JIT config' >&2; exit 3; }\n"
            + "echo \"runner ran in $PWD\" >> '"
            + calls
            + "'\n");
    fake("curl", curl());
    fake("dpkg-query", "exit 1\n");
    fake("git", "");
    fake("gpg", "");
  }

  /** The fake curl: the metadata server, the handler, the release host, guest attributes. */
  private String curl() {
    return "url=''; out=''; method=GET; data=''\n"
        + "while [ $# -gt 0 ]; do\n"
        + "  case \"$1\" in\n"
        + "    --output) out=$2; shift ;;\n"
        + "    --request) method=$2; shift ;;\n"
        + "    --data) data=$2; shift ;;\n"
        + "    --header|--data-urlencode|--retry|--retry-delay|--max-time|--proto) shift ;;\n"
        + "    -*) ;;\n"
        + "    *) url=$1 ;;\n"
        + "  esac\n"
        + "  shift\n"
        + "done\n"
        + "echo \"curl $method $url${data:+ $data}\" >> '"
        + calls
        + "'\n"
        + "case \"$url\" in\n"
        + "  */attributes/autorunner-runner-config-url) echo -n https://handler.example.test/vm/runner-config ;;\n"
        + "  */attributes/autorunner-runner-config-audience) echo -n https://handler.example.test ;;\n"
        + "  */attributes/autorunner-bake-*) f='"
        + dir.resolve("bake-settings")
        + "'/${url##*/autorunner-bake-}; [ -e \"$f\" ] || exit 22; cat \"$f\" ;;\n"
        + "  */service-accounts/default/identity*) echo -n identity-token ;;\n"
        + "  */guest-attributes/*) ;;\n"
        + "  https://handler.example.test/*) cat >/dev/null; echo -n '"
        + JIT_CONFIG
        + "' ;;\n"
        + "  "
        + RELEASE_HOST
        + "/*) cp '"
        + release
        + "' \"$out\" ;;\n"
        + "  *) echo \"fake curl: no such URL $url\" >&2; exit 22 ;;\n"
        + "esac\n";
  }

  /**
   * Packs a runner release: run.sh, config.sh, bin/Runner.Listener and an installdependencies.sh
   * that records its run. Returns its sha256.
   */
  public String packRelease() throws IOException, InterruptedException {
    Path unpacked = Files.createDirectories(dir.resolve("release/bin"));
    executable(unpacked.resolve("../run.sh").normalize(), "exit 0\n");
    executable(unpacked.resolve("../config.sh").normalize(), "exit 0\n");
    executable(unpacked.resolve("Runner.Listener"), "exit 0\n");
    executable(
        unpacked.resolve("installdependencies.sh"),
        "echo \"installdependencies.sh in $(dirname \"$0\")\" >> '" + calls + "'\n");
    ScriptRun tar =
        ScriptRun.run(
            dir,
            List.of(
                "tar", "-czf", release.toString(), "-C", dir.resolve("release").toString(), "."),
            Map.of());
    assertThat(tar.exitCode()).as(tar.output()).isZero();
    return sha256(Files.readAllBytes(release));
  }

  /** A runner release unpacked where a bake leaves it, complete. */
  public void bakedRunner(String version) throws IOException {
    Path baked = Files.createDirectories(root.resolve("opt/actions-runner-" + version + "/bin"));
    executable(baked.resolve("../run.sh").normalize(), "exit 0\n");
    executable(baked.resolve("../config.sh").normalize(), "exit 0\n");
    executable(baked.resolve("Runner.Listener"), "exit 0\n");
  }

  /** Docker on the fake VM, as a bake or the base image leaves it. */
  public void docker() throws IOException {
    fake("docker", "echo 'Docker version 20.10.24+dfsg1, build 297e128'\n");
  }

  /** A working NVIDIA driver and an installed container toolkit whose runtime docker knows. */
  public void nvidiaStack() throws IOException {
    fake("nvidia-smi", "case \"$*\" in *--query-gpu*) echo 'Tesla T4, 570.133.20' ;; esac\n");
    fake(
        "dpkg-query",
        "case \"$*\" in *Status*) echo 'install ok installed' ;; *) echo -n 1.17.5-1 ;; esac\n");
    file(
        "etc/docker/daemon.json",
        "{\"runtimes\": {\"nvidia\": {\"path\": \"nvidia-container-runtime\"}}}\n");
    // Configures the runtime as nvidia-ctk does: writes it only when it is not there yet.
    fake(
        "nvidia-ctk",
        "f=${*: -1}; f=${f#--config=}; grep -q nvidia \"$f\" 2>/dev/null || echo '{\"runtimes\": {\"nvidia\": {}}}' > \"$f\"\n");
  }

  /** Writes the bake marker with these lines. */
  public void marker(String... lines) throws IOException {
    file("etc/autorunner/baked", String.join("\n", lines) + "\n");
  }

  /** The values bake.sh reads from its VM's metadata (autorunner-bake-NAME). */
  public void bakeSettings(Map<String, String> settings) throws IOException {
    Path settingsDir = Files.createDirectories(dir.resolve("bake-settings"));
    for (Map.Entry<String, String> e : settings.entrySet()) {
      Files.writeString(settingsDir.resolve(e.getKey()), e.getValue());
    }
  }

  /** Runs a script on the fake VM (as root of it, without dry run). */
  public ScriptRun run(Path script) throws IOException, InterruptedException {
    assertThat(root.toString()).isNotEmpty();
    return ScriptRun.run(
        dir,
        List.of(tools.resolve("bash").toString(), script.toString()),
        Map.of(
            "AUTORUNNER_ROOT", root.toString(),
            "PATH", bin + ":" + tools,
            "HOME", dir.toString(),
            "TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString()));
  }

  /** Every call the fakes recorded, in order. */
  public List<String> calls() throws IOException {
    return Files.readAllLines(calls);
  }

  public Path root() {
    return root;
  }

  public Path dir() {
    return dir;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void file(String path, String content) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** A command on the fake VM's PATH: records its call, then runs {@code body}. */
  private void fake(String command, String body) throws IOException {
    executable(
        bin.resolve(command),
        (command.equals("curl") ? "" : "echo \"" + command + " $*\" >> '" + calls + "'\n") + body);
  }

  private static void executable(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/bash\n" + body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
