package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import io.autorunner.testkit.github.Runner;
import io.autorunner.testkit.http.JsonServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * The runner's secret never sits in metadata: VMs ask the handler for it at boot with their
 * identity token, against two handler instances. Every VM gets exactly one config; no config any VM
 * got appears in what was inserted (startup script, every metadata value, labels) or in either
 * service's log; and while a VM runs its job, a replayed or forged request is refused and mints
 * nothing.
 */
class RunnerHandoutEndToEndTest {

  private static final String REPO = "acme/models";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theConfigComesOnceFromTheHandlerAndNowhereElse() throws Exception {
    LocalSystem.Options options =
        new LocalSystem.Options(Map.of(), Map.of(), 2, github -> github.addRepository(REPO, true));
    Path logs = Path.of("target/handout");
    try (LocalSystem system =
        LocalSystem.start(Path.of("..").toAbsolutePath().normalize(), logs, options)) {
      FakeGitHub github = system.github();
      system.gce().setBootDelay(Duration.ofMillis(500));
      github.setRunTime(Duration.ofSeconds(8));
      List<Long> jobs = new ArrayList<>();
      jobs.add(github.queueJob(REPO, List.of("self-hosted", "gce", "e2-standard-2")));
      jobs.add(github.queueJob(REPO, List.of("self-hosted", "gce", "gpu")));
      jobs.add(github.queueJob(REPO, List.of("self-hosted", "gce", "n2-standard-4")));

      // Every job running, so no VM is still asking while the probes below count mints.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  github.runners().size() == jobs.size()
                      && github.runners().stream().allMatch(Runner::busy));
      Runner busy = github.runners().get(0);
      int minted = github.issuedJitConfigs().size();
      URI front = system.handlerUrl();
      String vm = busy.name();

      assertThat(
              ask(
                  front,
                  system.gce().metadataServer().identityToken(vm, front.toString()).orElseThrow()))
          .as("the VM asking again, its runner busy with its job")
          .isEqualTo(409);
      assertThat(
              ask(
                  front,
                  system
                      .gce()
                      .metadataServer()
                      .identityToken(vm, "https://elsewhere.example")
                      .get()))
          .as("a token for another audience")
          .isEqualTo(401);
      assertThat(ask(front, forged(system, vm, front, "instance_id", "4242")))
          .as("a token naming another instance of that name")
          .isEqualTo(403);
      assertThat(ask(front, forged(system, vm, front, "project_id", "someone-elses")))
          .as("a token of another project")
          .isEqualTo(403);
      assertThat(ask(front, forged(system, vm, front, "instance_name", "ghr-999-1")))
          .as("a token naming a VM that is not ours")
          .isEqualTo(403);
      assertThat(ask(front, unsigned(system, vm, front))).as("an unsigned token").isEqualTo(401);
      assertThat(github.issuedJitConfigs().size())
          .as("nothing minted for any of them")
          .isEqualTo(minted);

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  jobs.stream().allMatch(id -> github.job(id).map(Job::completed).orElse(false))
                      && system.gce().instances().isEmpty()
                      && github.runners().isEmpty());

      assertThat(jobs)
          .allSatisfy(
              id -> assertThat(github.job(id).orElseThrow().conclusion()).isEqualTo("success"));
      assertThat(github.refusedRunnerConfigs()).as("VMs refused their runner").isZero();
      assertThat(github.issuedJitConfigs().size())
          .as("one runner per VM, minted when it asked")
          .isEqualTo(system.gce().created().size());
      List<String> configs = github.issuedJitConfigs();
      assertThat(configs).hasSize(github.issuedJitConfigs().size());
      for (FakeInstance inserted : system.gce().inserted()) {
        String everything =
            JsonServer.JSON.writeValueAsString(inserted.resource())
                + inserted.metadata()
                + inserted.labels();
        assertThat(configs)
            .as("configs in what %s was inserted with", inserted.name())
            .noneMatch(everything::contains);
      }
      for (String service : List.of("handler-1.log", "handler-2.log", "scheduler.log")) {
        String log = Files.readString(logs.resolve(service), StandardCharsets.UTF_8);
        assertThat(configs).as("configs in %s", service).noneMatch(log::contains);
      }
    }
  }

  private int ask(URI front, String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(front.resolve("/vm/runner-config"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The VM's own claims with one {@code google.compute_engine} field changed, signed right. */
  private static String forged(
      LocalSystem system, String vm, URI front, String field, String value) {
    ObjectNode claims =
        system.gce().metadataServer().identityClaims(vm, front.toString()).orElseThrow();
    ((ObjectNode) claims.path("google").path("compute_engine")).put(field, value);
    return system.gce().metadataServer().sign(claims);
  }

  /** The VM's own claims, with the signature cut off. */
  private static String unsigned(LocalSystem system, String vm, URI front) {
    String signed = system.gce().metadataServer().identityToken(vm, front.toString()).orElseThrow();
    return signed.substring(0, signed.lastIndexOf('.') + 1);
  }
}
