package io.autorunner.testkit.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One service jar started as its own JVM on a loopback port, as {@code java -jar} would, with
 * Spring's build-time AOT on as in the images.
 */
public final class ServiceProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;
  private final List<String> command;
  private final Map<String, String> env;

  private ServiceProcess(
      String name,
      Process process,
      int port,
      Path log,
      List<String> command,
      Map<String, String> env) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
    this.command = command;
    this.env = env;
  }

  /** Starts {@code jar} with {@code env} (plus PORT) and waits until {@code /healthz} answers. */
  public static ServiceProcess start(
      String name, Path jar, Map<String, String> env, Path log, Duration timeout)
      throws IOException, InterruptedException {
    return start(
        name, ProcessHandle.current().info().command().orElse("java"), jar, env, log, timeout);
  }

  /** As {@link #start(String, Path, Map, Path, Duration)}, on the given {@code java} launcher. */
  public static ServiceProcess start(
      String name, String java, Path jar, Map<String, String> env, Path log, Duration timeout)
      throws IOException, InterruptedException {
    return launch(name, command(java, jar), env, freePort(), log, timeout);
  }

  private static List<String> command(String java, Path jar) {
    List<String> command = new ArrayList<>();
    command.add(java);
    // As the images run it (deploy/jvm.options): with Spring's build-time AOT, so that every test
    // and the local default go through the generated bean definitions production uses.
    command.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-Dspring.aot.enabled=true",
            "-jar",
            jar.toString()));
    return List.copyOf(command);
  }

  private static ServiceProcess launch(
      String name,
      List<String> command,
      Map<String, String> env,
      int port,
      Path log,
      Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    builder.environment().put("PORT", Integer.toString(port));
    Process process = builder.start();
    ServiceProcess service = new ServiceProcess(name, process, port, log, command, Map.copyOf(env));
    service.awaitHealthy(timeout);
    return service;
  }

  /** Kills the process at once (SIGKILL), as Cloud Run may: no shutdown hook, no goodbye. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Starts the same service again on the same port (a new instance behind the same address). */
  public ServiceProcess restart(Duration timeout) throws IOException, InterruptedException {
    if (process.isAlive()) {
      close();
    }
    return launch(name, command, env, port, log, timeout);
  }

  public boolean alive() {
    return process.isAlive();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public Path log() {
    return log;
  }

  private void awaitHealthy(Duration timeout) throws InterruptedException, IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> health =
            http.send(
                HttpRequest.newBuilder(url().resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    close();
    throw new IOException(name + " did not answer /healthz within " + timeout + "; see " + log);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
