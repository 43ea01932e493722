package io.autorunner.handler.setup;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code setup-app}: registers autorunner's GitHub App in one step with GitHub's manifest flow. A
 * one-shot page on 127.0.0.1 posts the {@link AppManifest} to GitHub; GitHub sends the browser back
 * with a code and our {@code state}; the code is converted ({@link ManifestConversion}) and the
 * App's private key, webhook secret and id are stored in Secret Manager ({@link SecretManager}),
 * under the names {@code deploy/setup.sh} and {@code cloudbuild.yaml} use. A callback whose state
 * is not ours is refused and the page keeps waiting; the first good one ends it. GitHub's code
 * expires after an hour, and so does the page.
 */
public final class AppSetup {

  static final String KEY_SECRET = "autorunner-github-app-key";
  static final String WEBHOOK_SECRET = "autorunner-webhook-secret";
  static final String APP_ID_SECRET = "autorunner-github-app-id";

  private final AppSetupOptions options;
  private final PrintStream out;

  /** What only the browser this page sent to GitHub carries back. */
  private final String state = HexFormat.of().formatHex(random());

  private final CompletableFuture<RegisteredApp> done = new CompletableFuture<>();

  AppSetup(AppSetupOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** The command line's entry: exit code 0 when the App is registered and stored. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      return new AppSetup(AppSetupOptions.parse(args), out).run() ? 0 : 1;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    } catch (IOException | ExecutionException | TimeoutException e) {
      err.println("setup-app failed: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  boolean run() throws IOException, InterruptedException, ExecutionException, TimeoutException {
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 0);
    URI local = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    String manifest =
        AppManifest.json(
            options.name(),
            URI.create(options.githubUrl().toString().replaceAll("/+$", "") + "/" + options.org()),
            options.webhookUrl(),
            local.resolve("/callback"));
    server.createContext("/", exchange -> page(exchange, manifest));
    server.createContext("/callback", this::callback);
    server.start();
    try {
      out.println(
          "Open "
              + local
              + "/ in a browser signed in to GitHub as an owner of "
              + options.org()
              + ", and press the button (this page waits one hour).");
      RegisteredApp app = done.get(1, TimeUnit.HOURS);
      out.println(
          "GitHub App "
              + app.slug()
              + " (id "
              + app.id()
              + ") registered on "
              + options.org()
              + ". Stored in Secret Manager of "
              + options.project()
              + ": "
              + KEY_SECRET
              + " (its private key), "
              + WEBHOOK_SECRET
              + " (its webhook secret), "
              + APP_ID_SECRET
              + ".");
      out.println("Now install it on " + options.org() + ": " + app.installUrl());
      out.println("and deploy with --substitutions=...,_GITHUB_APP_ID=" + app.id());
      return true;
    } finally {
      server.stop(1);
    }
  }

  private void page(HttpExchange exchange, String manifest) throws IOException {
    if (!"/".equals(exchange.getRequestURI().getPath())) {
      answer(exchange, 404, "<p>Not found.</p>");
      return;
    }
    answer(
        exchange,
        200,
        "<h1>Register the autorunner GitHub App</h1><p>On <b>"
            + html(options.org())
            + "</b>, with the webhook <code>"
            + html(options.webhookUrl().toString())
            + "</code>: organisation self-hosted runners read and write, Actions and Metadata"
            + " read-only, the workflow_job event.</p><form method=\"post\" action=\""
            + html(options.newAppPage(state).toString())
            + "\"><input type=\"hidden\" name=\"manifest\" value=\""
            + html(manifest)
            + "\"><button type=\"submit\">Create the GitHub App on GitHub</button></form>");
  }

  private void callback(HttpExchange exchange) throws IOException {
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    String code = query.getOrDefault("code", "");
    byte[] theirs = query.getOrDefault("state", "").getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(theirs, state.getBytes(StandardCharsets.UTF_8))) {
      // Not the browser we sent: a forged or stale link. The page keeps waiting for ours.
      out.println("refused a callback whose state is not this page's");
      answer(exchange, 400, "<p>This link was not started by this page; nothing was done.</p>");
      return;
    }
    if (done.isDone()) {
      answer(exchange, 410, "<p>The App is registered already; this page is done.</p>");
      return;
    }
    try {
      RegisteredApp app = new ManifestConversion(options.apiUrl()).convert(code);
      SecretManager secrets = new SecretManager(options.gcloud(), options.project());
      secrets.store(KEY_SECRET, app.pem());
      secrets.store(WEBHOOK_SECRET, app.webhookSecret());
      secrets.store(APP_ID_SECRET, Long.toString(app.id()));
      answer(
          exchange,
          200,
          "<h1>Done</h1><p>GitHub App <b>"
              + html(app.slug())
              + "</b> (id "
              + app.id()
              + ") is registered and its key and webhook secret are in Secret Manager. Now <a"
              + " href=\""
              + html(app.installUrl())
              + "\">install it on "
              + html(options.org())
              + "</a>.</p>");
      done.complete(app);
    } catch (IOException | RuntimeException e) {
      answer(exchange, 502, "<p>Failed: " + html(e.getMessage()) + "</p>");
      done.completeExceptionally(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(e);
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes =
        ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>autorunner"
                + " setup</title></head><body>"
                + body
                + "</body></html>")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream stream = exchange.getResponseBody()) {
      stream.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.putIfAbsent(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  private static String html(String text) {
    return HtmlUtils.htmlEscape(text, "UTF-8");
  }

  private static byte[] random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
