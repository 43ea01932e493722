package io.autorunner.handler.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A script run by a test: its exit code and its output (stdout and stderr together).
 *
 * @param exitCode the process's exit code
 * @param output what it wrote
 */
public record ScriptRun(int exitCode, String output) {

  /** Runs {@code command} in {@code dir} with {@code env} added, no input, at most 60 s. */
  public static ScriptRun run(Path dir, List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("timed out: " + command);
    }
    return new ScriptRun(process.exitValue(), output);
  }
}
