package io.autorunner.testkit.github;

import io.autorunner.testkit.fault.Timeline;
import io.autorunner.testkit.gce.FakeComputeEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;

/**
 * What a booted VM's startup script does before its runner starts: read where to ask from its
 * metadata, take an identity token from its metadata server, ask the handler for its runner
 * (retrying a 503 or a failed connection as the script's curl does); refused, power off.
 */
final class RunnerConfigFetch {

  private static final System.Logger log = System.getLogger(FakeGitHub.class.getName());

  /** As the script's curl: ten tries, a pause between. */
  private static final int FETCH_ATTEMPTS = 10;

  private static final Duration FETCH_RETRY = Duration.ofSeconds(1);

  private final ActionsState state;
  private final Timeline clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The VMs' fetches block on HTTP: never on the fake clock's thread. */
  private final ExecutorService fetches =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fake-vm-fetch");
            t.setDaemon(true);
            return t;
          });

  RunnerConfigFetch(ActionsState state, Timeline clock) {
    this.state = state;
    this.clock = clock;
  }

  /** The startup script's fetch_runner_config, on a thread of its own, then the runner's start. */
  void thenStart(
      FakeComputeEngine compute,
      String machine,
      String url,
      String audience,
      Runnable powerOff,
      LongConsumer start) {
    fetches.execute(() -> fetch(compute, machine, url, audience, powerOff, start));
  }

  private void fetch(
      FakeComputeEngine compute,
      String machine,
      String url,
      String audience,
      Runnable powerOff,
      LongConsumer start) {
    for (int attempt = 1; attempt <= FETCH_ATTEMPTS; attempt++) {
      Optional<String> token = compute.metadataServer().identityToken(machine, audience);
      if (token.isEmpty()) {
        return; // the VM is gone (or has no service account: no token, and nothing to ask with)
      }
      int status;
      String body;
      try {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token.get())
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        status = answer.statusCode();
        body = answer.body();
      } catch (IOException e) {
        status = 0;
        body = "";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (status == 200) {
        OptionalLong id = JitConfigs.runnerId(body.strip());
        if (id.isPresent()) {
          start.accept(id.getAsLong());
        } else {
          state.refusedBoots.incrementAndGet();
          clock.soon(powerOff);
        }
        return;
      }
      if (status != 0 && status != 503 && status != 429) {
        refused(machine, status, powerOff);
        return;
      }
      try {
        Thread.sleep(FETCH_RETRY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    refused(machine, 503, powerOff);
  }

  private void refused(String machine, int status, Runnable powerOff) {
    state.refusedHandouts.incrementAndGet();
    log.log(
        System.Logger.Level.INFO,
        "VM {0} was refused its runner ({1}); powering off",
        machine,
        Integer.toString(status));
    clock.soon(powerOff);
  }

  void close() {
    fetches.shutdownNow();
  }
}
