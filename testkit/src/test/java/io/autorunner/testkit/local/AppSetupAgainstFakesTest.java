package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.testkit.github.AppManifests;
import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.http.JsonServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code deploy/setup.sh app}: the GitHub App in one step, with the handler's jar, against the fake
 * GitHub's manifest flow and the recording {@code gcloud} of the deploy tests. The browser's part
 * (load the page, post its form, follow GitHub's redirect) is played over HTTP.
 */
class AppSetupAgainstFakesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern OPEN = Pattern.compile("Open (http://127\\.0\\.0\\.1:\\d+)/");
  private static final Pattern FORM =
      Pattern.compile(
          "<form method=\"post\" action=\"([^\"]+)\"><input type=\"hidden\""
              + " name=\"manifest\" value=\"([^\"]+)\">");

  @TempDir Path dir;
  private FakeGitHub github;
  private Path output;
  private Path calls;
  private Path state;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    github = new FakeGitHub();
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path gcloud = bin.resolve("gcloud");
    Files.copy(ROOT.resolve("handler-service/src/test/resources/deploy/fake-gcloud"), gcloud);
    Files.setPosixFilePermissions(gcloud, PosixFilePermissions.fromString("rwxr-xr-x"));
    output = dir.resolve("output.txt");
    calls = dir.resolve("calls.log");
    state = dir.resolve("state");
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void registersTheAppFromItsManifestAndStoresItsSecretsThroughStdin() throws Exception {
    // setup.sh ran before: the webhook secret it generated gets GitHub's as its new version.
    gcloud(
        "old-secret",
        "secrets",
        "create",
        "autorunner-webhook-secret",
        "--data-file=-",
        "--replication-policy=automatic",
        "--project=my-proj");
    Process setup = setupApp();
    URI page = awaitPage(setup);

    HttpResponse<String> forged = get(page.resolve("/callback?code=abc123&state=not-ours"));
    assertThat(forged.statusCode()).isEqualTo(400);

    Matcher form = FORM.matcher(get(page.resolve("/")).body());
    assertThat(form.find()).as("the page's form").isTrue();
    URI action = URI.create(unescape(form.group(1)));
    String manifestText = unescape(form.group(2));
    JsonNode manifest = JsonServer.JSON.readTree(manifestText);
    assertThat(action.toString())
        .startsWith(github.baseUrl() + "/organizations/acme/settings/apps/new?state=");
    assertThat(manifest.path("default_permissions").toString())
        .isEqualTo(
            "{\"actions\":\"read\",\"metadata\":\"read\",\"organization_self_hosted_runners\":\"write\"}");
    assertThat(manifest.path("default_events").toString()).isEqualTo("[\"workflow_job\"]");
    assertThat(manifest.path("hook_attributes").path("url").asString())
        .isEqualTo("https://autorunner-scheduler-123456789.us-central1.run.app/webhook");
    assertThat(manifest.path("redirect_url").asString()).isEqualTo(page + "/callback");
    assertThat(manifest.path("public").asBoolean(true)).isFalse();

    HttpResponse<String> github302 =
        http.send(
            HttpRequest.newBuilder(action)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "manifest=" + URLEncoder.encode(manifestText, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(github302.statusCode()).isEqualTo(302);
    URI back = URI.create(github302.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> done = get(back);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    assertThat(setup.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(setup.exitValue()).as(Files.readString(output)).isZero();

    AppManifests.Registration app = github.appManifests().registered().get(0);
    assertThat(app.state()).isEqualTo(action.getQuery().substring("state=".length()));
    assertThat(secret("autorunner-github-app-key")).isEqualTo(app.pem());
    assertThat(secret("autorunner-webhook-secret")).isEqualTo(app.webhookSecret());
    assertThat(secret("autorunner-github-app-id")).isEqualTo(Long.toString(app.id()));
    String log = Files.readString(calls);
    assertThat(log)
        .contains(
            "secrets create autorunner-github-app-key --data-file=- --replication-policy=automatic --project=my-proj")
        .contains("secrets versions add autorunner-webhook-secret --data-file=- --project=my-proj")
        .doesNotContain(app.webhookSecret())
        .doesNotContain("PRIVATE KEY");
    String said = Files.readString(output);
    assertThat(said)
        .contains("refused a callback whose state is not this page's")
        .contains(github.baseUrl() + "/apps/autorunner/installations/new")
        .contains("_GITHUB_APP_ID=" + app.id())
        .doesNotContain(app.webhookSecret())
        .doesNotContain("PRIVATE KEY");
  }

  @Test
  void aCodeGitHubDoesNotKnowFailsTheSetupAndStoresNothing() throws Exception {
    Process setup = setupApp();
    URI page = awaitPage(setup);
    Matcher form = FORM.matcher(get(page.resolve("/")).body());
    assertThat(form.find()).isTrue();
    String ours = URI.create(unescape(form.group(1))).getQuery().substring("state=".length());

    HttpResponse<String> answer = get(page.resolve("/callback?code=unknown1&state=" + ours));

    assertThat(answer.statusCode()).isEqualTo(502);
    assertThat(setup.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(setup.exitValue()).isEqualTo(1);
    assertThat(Files.readString(output)).contains("GitHub answered the conversion with 404");
    assertThat(Files.exists(state.resolve("secrets/autorunner-github-app-key"))).isFalse();
  }

  private Process setupApp() throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                "bash", ROOT.resolve("deploy/setup.sh").toString(), "app", "my-proj", "acme")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    environment(builder.environment());
    builder.environment().put("GITHUB_URL", github.baseUrl().toString());
    builder.environment().put("GITHUB_API_URL", github.baseUrl().toString());
    return builder.start();
  }

  private void environment(Map<String, String> env) {
    env.put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    env.put("FAKE_GCLOUD_LOG", calls.toString());
    env.put("FAKE_GCLOUD_STATE", state.toString());
  }

  private void gcloud(String stdin, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = dir.resolve("bin/gcloud").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    ProcessBuilder builder = new ProcessBuilder(command);
    environment(builder.environment());
    Process process = builder.start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    assertThat(process.waitFor()).isZero();
  }

  private URI awaitPage(Process setup) {
    String[] url = new String[1];
    Awaitility.await("the setup page is up")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              assertThat(setup.isAlive() || setup.exitValue() == 0)
                  .as(Files.exists(output) ? Files.readString(output) : "")
                  .isTrue();
              Matcher open = OPEN.matcher(Files.exists(output) ? Files.readString(output) : "");
              if (open.find()) {
                url[0] = open.group(1);
              }
              return url[0] != null;
            });
    return URI.create(url[0]);
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String secret(String name) throws IOException {
    return Files.readString(state.resolve("secrets/" + name));
  }

  private static String unescape(String html) {
    return html.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }
}
