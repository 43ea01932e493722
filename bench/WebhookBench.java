// Benchmarks of the scheduler, run with `java bench/WebhookBench.java MODE ...` (see bench/README.md).
//
//   load URL SECRET CLIENTS SECONDS  – signed queued deliveries from CLIENTS concurrent clients for
//                                      SECONDS; prints throughput and latency percentiles.
//   startup JAR SECRET PORT         – starts `java -jar JAR` and sends a signed delivery every 10 ms
//                                      until one is answered 2xx; prints the time from process start.
//   startup-cmd SECRET PORT -- CMD…  – the same for any command line (e.g. the image's launch line:
//                                      an extracted jar with an AOT cache), run in the current directory.
//   sink PORT                        – a handler stand-in answering 200 to every task (for load runs).
//
// Only loopback addresses are used; every loop is bounded in time.
import com.sun.net.httpserver.HttpServer;
import io.autorunner.common.event.SampleDelivery;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class WebhookBench {

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "load" -> load(URI.create(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "startup" -> startup(args[1], args[2], Integer.parseInt(args[3]));
      case "startup-cmd" -> startupCommand(args);
      case "sink" -> sink(Integer.parseInt(args[1]));
      case "tasks-stub" -> tasksStub(Integer.parseInt(args[1]));
      default -> {
        System.err.println("usage: load URL SECRET CLIENTS SECONDS | startup JAR SECRET PORT"
                + " | startup-cmd SECRET PORT -- COMMAND... | sink PORT");
        System.exit(2);
      }
    }
  }

  static void load(URI url, String secret, int clients, int seconds) throws Exception {
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(clients)).build();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    AtomicLong jobIds = new AtomicLong(System.currentTimeMillis() * 1000);
    AtomicLong errors = new AtomicLong();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(clients);
    // Warm-up: the JIT compiles the hot path before measuring, as it would after minutes in service.
    for (int i = 0; i < 2000; i++) {
      send(http, url, secret, jobIds.incrementAndGet());
    }
    long start = System.nanoTime();
    end = start + Duration.ofSeconds(seconds).toNanos();
    final long stopAt = end;
    for (int c = 0; c < clients; c++) {
      new Thread(() -> {
        try {
          while (System.nanoTime() < stopAt) {
            long t0 = System.nanoTime();
            int status = send(http, url, secret, jobIds.incrementAndGet());
            latencies.add(System.nanoTime() - t0);
            if (status != 202) {
              errors.incrementAndGet();
            }
          }
        } catch (Exception e) {
          errors.incrementAndGet();
        } finally {
          done.countDown();
        }
      }).start();
    }
    done.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf(
        "clients=%d deliveries=%d errors=%d seconds=%.1f throughput=%.0f/s p50=%.2fms p99=%.2fms max=%.2fms%n",
        clients,
        sorted.size(),
        errors.get(),
        elapsed,
        sorted.size() / elapsed,
        pct(sorted, 0.50),
        pct(sorted, 0.99),
        sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
    System.exit(0);
  }

  static void startup(String jar, String secret, int port) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    String extra = System.getenv("BENCH_JVM_FLAGS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(List.of("-jar", jar));
    timeToFirst2xx(command, secret, port);
  }

  static void startupCommand(String[] args) throws Exception {
    if (args.length < 5 || !args[3].equals("--")) {
      System.err.println("usage: startup-cmd SECRET PORT -- COMMAND...");
      System.exit(2);
    }
    timeToFirst2xx(List.of(args).subList(4, args.length), args[1], Integer.parseInt(args[2]));
  }

  /** Starts the command with PORT and the webhook secret set; prints process start → first 2xx. */
  static void timeToFirst2xx(List<String> command, String secret, int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    URI url = URI.create("http://127.0.0.1:" + port + "/webhook");
    // BENCH_LOG keeps the process's output (to see where the time goes); otherwise it is discarded.
    String log = System.getenv("BENCH_LOG");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log == null || log.isBlank()
            ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(new java.io.File(log)));
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("AUTORUNNER_WEBHOOK_SECRET", secret);
    // Load and compile this poller's own HTTP and signing path first, so that its start-up does not
    // compete for the two cores with the process being measured.
    for (int i = 0; i < 20; i++) {
      try {
        send(http, URI.create("http://127.0.0.1:1/webhook"), secret, 1);
      } catch (Exception expected) {
        // nothing listens there
      }
    }
    long t0 = System.nanoTime();
    Process process = builder.start();
    try {
      long deadline = t0 + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          System.out.println("the process exited with status " + process.exitValue() + " before any 2xx");
          return;
        }
        try {
          if (send(http, url, secret, 1) / 100 == 2) {
            long wall = (System.nanoTime() - t0) / 1_000_000;
            // CPU time says how much work the start-up was, whatever else the machine was doing.
            long cpu = process.info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
            System.out.printf("first 2xx webhook after %d ms (process CPU %d ms)%n", wall, cpu);
            return;
          }
        } catch (Exception notYet) {
          // not listening yet
        }
        Thread.sleep(10);
      }
      System.out.println("no 2xx within 60 s");
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  static void sink(int port) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    System.out.println("sink listening on 127.0.0.1:" + port);
  }

  /**
   * A loopback stand-in for the Cloud Tasks API's createTask: answers 200 with the task's name, as
   * Cloud Tasks does, so that the scheduler can run in its production mode (cloud-tasks) in a bench.
   */
  static void tasksStub(int port) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      var name = java.util.regex.Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
      byte[] answer = ("{\"name\":\"" + (name.find() ? name.group(1) : "") + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    System.out.println("Cloud Tasks stub listening on 127.0.0.1:" + port);
  }

  static int send(HttpClient http, URI url, String secret, long jobId) throws Exception {
    String body =
        SampleDelivery.queued(jobId, "acme", "models", List.of("self-hosted", "gce", "gpu")).json();
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", "workflow_job")
        .header("X-GitHub-Delivery", "bench-" + jobId)
        .header("X-Hub-Signature-256", sign(body, secret))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static String sign(String body, String secret) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  static double pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, i)) / 1e6;
  }
}
