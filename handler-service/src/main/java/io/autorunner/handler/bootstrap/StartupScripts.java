package io.autorunner.handler.bootstrap;

import io.autorunner.common.event.UntrustedText;
import io.autorunner.common.naming.Rfc1035Name;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.github.GitHubProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the VM startup script for a runner from the templates under {@code bootstrap/} (packaged
 * as classpath resources): bash for Linux, PowerShell for Windows.
 *
 * <p>The rendered script runs as root (or SYSTEM) on a VM that will run code from any repository
 * allowed to use the runners, so the rendering is strict twice over: every value must match a
 * narrow allow-list for its placeholder (else {@link IllegalArgumentException}), and it is then
 * quoted for the script's language anyway. Labels are the exception: they are attacker-written and
 * only logged by the script, so they are reduced to printable ASCII and quoted rather than refused.
 * Placeholders are {@code @@NAME@@}; they are replaced in one pass, so a value can never introduce
 * a placeholder of its own, and an unknown or missing one fails.
 */
public final class StartupScripts {

  static final String LINUX_TEMPLATE = "bootstrap/linux/startup.sh";
  static final String LINUX_FUNCTIONS_FRAGMENT = "bootstrap/linux/functions.sh";
  static final String LINUX_NVIDIA_FRAGMENT = "bootstrap/linux/install-nvidia-driver.sh";
  static final String WINDOWS_TEMPLATE = "bootstrap/windows/startup.ps1";

  /**
   * The placeholder of the Linux template where the functions it shares with the image bake are
   * inlined (deploy/bake-image.sh inlines the same two fragments into bake.sh).
   */
  static final String FUNCTIONS_INCLUDE = "@@BOOTSTRAP_FUNCTIONS@@";

  /** The placeholder of the Linux template where the NVIDIA fragment is inlined. */
  static final String NVIDIA_INCLUDE = "@@NVIDIA_DRIVER_FUNCTIONS@@";

  private static final Pattern PLACEHOLDER = Pattern.compile("@@([A-Z0-9_]+)@@");
  private static final Set<String> VALUE_PLACEHOLDERS =
      Set.of(
          "RUNNER_NAME", "RUNNER_VERSION", "RUNNER_SHA256", "RUNNER_URL", "GPU", "RUNNER_LABELS");

  private static final Pattern VERSION = Pattern.compile("[0-9]{1,5}(\\.[0-9]{1,5}){1,3}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  // Scheme, host, optional port, a path and an optional query of unreserved characters only: no
  // quotes, spaces, $, backticks, semicolons or parentheses, whatever the quoting does.
  private static final Pattern URL =
      Pattern.compile(
          "https?://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?"
              + "(?:/[A-Za-z0-9._~%/+-]*)?(?:\\?[A-Za-z0-9._~%/+=&-]*)?");
  private static final int MAX_LABELS_TEXT = 1024;

  private final GitHubProperties github;
  private final String linuxTemplate;
  private final String windowsTemplate;

  /** Loads the templates from the classpath once; fails at start-up if one is missing or broken. */
  public StartupScripts(GitHubProperties github) {
    this(
        github,
        resource(LINUX_TEMPLATE)
            .replace(FUNCTIONS_INCLUDE, resource(LINUX_FUNCTIONS_FRAGMENT).strip())
            .replace(NVIDIA_INCLUDE, resource(LINUX_NVIDIA_FRAGMENT).strip()),
        resource(WINDOWS_TEMPLATE));
  }

  StartupScripts(GitHubProperties github, String linuxTemplate, String windowsTemplate) {
    this.github = Objects.requireNonNull(github, "github");
    // Line endings are part of correctness: bash chokes on CR, PowerShell files are CRLF.
    this.linuxTemplate = checkTemplate("Linux", linuxTemplate.replace("\r\n", "\n"));
    this.windowsTemplate =
        checkTemplate("Windows", windowsTemplate.replace("\r\n", "\n").replace("\n", "\r\n"));
  }

  /**
   * The startup script for a runner VM: bash for Linux (the {@code startup-script} metadata value),
   * PowerShell for Windows ({@code windows-startup-script-ps1}). The script holds no secret: the VM
   * asks the handler for its runner at boot.
   *
   * @throws IllegalArgumentException when a value breaks its allow-list
   * @throws IllegalStateException when the configuration lacks the runner checksum for the OS
   */
  public String render(RunnerSpec spec, String runnerName) {
    Objects.requireNonNull(spec, "spec");
    boolean windows = spec.os() == OperatingSystem.WINDOWS;
    String version = require("runner version", github.runnerVersion(), VERSION);
    String file =
        windows
            ? "actions-runner-win-x64-" + version + ".zip"
            : "actions-runner-linux-x64-" + version + ".tar.gz";
    String url =
        require(
            "runner download URL",
            Objects.requireNonNullElse(github.runnerDownloadUrl(), "")
                .replace("VERSION", version)
                .replace("FILE", file),
            URL);
    String sha256 =
        require("runner sha256 for " + file, checksum(windows).toLowerCase(Locale.ROOT), SHA256);
    String name = require("runner name", runnerName, Rfc1035Name.PATTERN);

    Map<String, String> values = new LinkedHashMap<>();
    values.put("RUNNER_NAME", name);
    values.put("RUNNER_VERSION", version);
    values.put("RUNNER_SHA256", sha256);
    values.put("RUNNER_URL", url);
    values.put("GPU", spec.hasGpu() ? "1" : "0");
    values.put("RUNNER_LABELS", labelsText(spec));
    return windows
        ? substitute(windowsTemplate, values, StartupScripts::powerShellQuote)
        : substitute(linuxTemplate, values, StartupScripts::bashQuote);
  }

  /** A bash word that is exactly {@code value}: single quotes, each {@code '} as {@code '\''}. */
  static String bashQuote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /**
   * A PowerShell expression that is exactly {@code value}: a single-quoted string with each quote
   * doubled. PowerShell also takes the typographic single quotes (U+2018 to U+201B) as quotes, so
   * those are doubled too.
   */
  static String powerShellQuote(String value) {
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      quoted.append(c);
      if (c == '\'' || (c >= '\u2018' && c <= '\u201B')) {
        quoted.append(c);
      }
    }
    return quoted.append('\'').toString();
  }

  /**
   * The labels as one log line: anything but printable ASCII becomes {@code ?} (no newlines to
   * forge log lines with, no characters a PowerShell parser might read as quotes), and the text is
   * capped. The runner's real labels travel inside the JIT config.
   */
  static String labelsText(RunnerSpec spec) {
    return UntrustedText.printable(
        String.join(",", spec.labels()), UntrustedText.Alphabet.ASCII, MAX_LABELS_TEXT);
  }

  private String checksum(boolean windows) {
    String value = windows ? github.runnerSha256Windows() : github.runnerSha256Linux();
    if (value == null || value.isBlank()) {
      String key =
          windows
              ? "autorunner.github.runner-sha256-windows"
              : "autorunner.github.runner-sha256-linux";
      throw new IllegalStateException(
          key
              + " is not set: "
              + (windows ? "Windows" : "Linux")
              + " runners cannot be started without the sha256 of the runner release "
              + github.runnerVersion());
    }
    return value.strip();
  }

  private static String require(String what, String value, Pattern allowed) {
    if (value == null || !allowed.matcher(value).matches()) {
      // The value is not echoed: it may be attacker text, newlines included.
      throw new IllegalArgumentException(what + " has characters outside its allow-list");
    }
    return value;
  }

  private static String substitute(
      String template, Map<String, String> values, java.util.function.UnaryOperator<String> quote) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder rendered = new StringBuilder(template.length() + 4096);
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new IllegalStateException("no value for placeholder " + matcher.group());
      }
      matcher.appendReplacement(rendered, Matcher.quoteReplacement(quote.apply(value)));
    }
    matcher.appendTail(rendered);
    return rendered.toString();
  }

  private static String checkTemplate(String which, String template) {
    Set<String> found = new TreeSet<>();
    Matcher matcher = PLACEHOLDER.matcher(template);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    Set<String> unknown = new TreeSet<>(found);
    unknown.removeAll(VALUE_PLACEHOLDERS);
    Set<String> missing = new TreeSet<>(VALUE_PLACEHOLDERS);
    missing.removeAll(found);
    if (!unknown.isEmpty() || !missing.isEmpty()) {
      throw new IllegalStateException(
          "the "
              + which
              + " startup template is broken: unknown placeholders "
              + unknown
              + ", missing placeholders "
              + missing);
    }
    return template;
  }

  private static String resource(String path) {
    try (InputStream in = StartupScripts.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(
            "the startup template " + path + " is not on the classpath (bootstrap/ not packaged?)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the startup template " + path, e);
    }
  }
}
