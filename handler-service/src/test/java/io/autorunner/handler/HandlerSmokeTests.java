package io.autorunner.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole handler on a real port: dry-run compute, GitHub faked on loopback. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HandlerSmokeTests {

  @RegisterExtension
  static WireMockExtension github =
      WireMockExtension.newInstance().options(options().dynamicPort()).build();

  @TempDir static Path dryRun;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("autorunner.handler.auth", () -> "none");
    registry.add("autorunner.compute.mode", () -> "dry-run");
    registry.add("autorunner.compute.dry-run-dir", () -> dryRun.toString());
    registry.add("autorunner.github.token", () -> "test-token");
    registry.add("autorunner.github.api-url", () -> "http://127.0.0.1:" + github.getPort());
  }

  @Test
  void createRunnerMintsAJitRunnerAndWritesTheInstanceItWouldInsert() throws Exception {
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runners"))
            .willReturn(okJson("{\"total_count\":0,\"runners\":[]}")));
    // The organisation's group for our runners exists and admits what the (empty) lists admit.
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runner-groups"))
            .willReturn(
                okJson(
                    "{\"total_count\":1,\"runner_groups\":[{\"id\":2,\"name\":\"autorunner\","
                        + "\"visibility\":\"all\",\"default\":false,"
                        + "\"allows_public_repositories\":false}]}")));
    github.stubFor(
        post(urlPathEqualTo("/orgs/acme/actions/runners/generate-jitconfig"))
            .willReturn(
                okJson(
                        "{\"runner\":{\"id\":23,\"name\":\"ghr-4242-1\",\"status\":\"offline\","
                            + "\"busy\":false,\"labels\":[]},\"encoded_jit_config\":\"c2VjcmV0\"}")
                    .withStatus(201)));

    HttpResponse<String> answer = postTask("/tasks/create-runner", createBody());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"outcome\":\"done\"").contains("ghr-4242-1");
    github.verify(
        postRequestedFor(urlPathEqualTo("/orgs/acme/actions/runners/generate-jitconfig"))
            .withHeader("Authorization", equalTo("Bearer test-token"))
            .withRequestBody(matchingJsonPath("$.name", equalTo("ghr-4242-1")))
            .withRequestBody(matchingJsonPath("$.runner_group_id", equalTo("2"))));
    assertThat(Files.readString(dryRun.resolve("ghr-4242-1.json")))
        .contains("nvidia-tesla-t4")
        .contains("SPOT");
    assertThat(Files.readString(dryRun.resolve("ghr-4242-1.startup.sh"))).contains("c2VjcmV0");
  }

  @Test
  void aZonePinOutsideTheConfiguredGceZonesIsRefusedBeforeAnythingIsMade() throws Exception {
    String body =
        createBody().replace("\"gpu\"]", "\"zone=europe-west4-a\"]").replace("4242", "4243");

    HttpResponse<String> answer = postTask("/tasks/create-runner", body);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body())
        .contains("\"outcome\":\"refused\"")
        .contains("zone=europe-west4-a")
        .contains(
            "autorunner.gce.zones=[us-central1-a, us-central1-b, us-central1-c, us-central1-f]");
    assertThat(dryRun.resolve("ghr-4243-1.json")).doesNotExist();
  }

  @Test
  void aBodyThatIsNotATaskIsRefusedWith2xxSoItIsNotRetriedForever() throws Exception {
    HttpResponse<String> answer = postTask("/tasks/create-runner", "{\"job\": 1}");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"outcome\":\"refused\"");
  }

  @Test
  void healthzAnswers200() throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> postTask(String path, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .header("X-CloudTasks-TaskName", "t-1")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String createBody() {
    return """
        {"job": {"jobId": 4242, "runId": 9001, "runAttempt": 1, "repository": "acme/models",
                 "organization": "acme", "installationId": null},
         "labels": ["self-hosted", "gce", "gpu"],
         "instanceName": "ghr-4242-1"}
        """;
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(
      String json) {
    return aResponse().withHeader("Content-Type", "application/json").withBody(json);
  }
}
