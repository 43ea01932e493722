package io.autorunner.handler.setup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Secret Manager through {@code gcloud}, as {@code deploy/setup.sh} uses it: a secret is created on
 * first use, then gets a new version. The value goes on gcloud's standard input ({@code
 * --data-file=-}), never on its command line, where {@code ps} and shell history would show it.
 */
final class SecretManager {

  private final String gcloud;
  private final String project;

  SecretManager(String gcloud, String project) {
    this.gcloud = gcloud;
    this.project = project;
  }

  /** Stores {@code value} as the secret's latest version; says whether it created the secret. */
  boolean store(String secret, String value) throws IOException, InterruptedException {
    boolean exists = run(List.of("secrets", "describe", secret, "--project=" + project), null) == 0;
    List<String> args =
        exists
            ? List.of("secrets", "versions", "add", secret, "--data-file=-", "--project=" + project)
            : List.of(
                "secrets",
                "create",
                secret,
                "--data-file=-",
                "--replication-policy=automatic",
                "--project=" + project);
    int code = run(args, value);
    if (code != 0) {
      throw new IOException("gcloud " + String.join(" ", args) + " failed with exit code " + code);
    }
    return !exists;
  }

  private int run(List<String> args, String stdin) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(gcloud);
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException("gcloud " + String.join(" ", args) + " did not finish in 2 minutes");
    }
    return process.exitValue();
  }
}
