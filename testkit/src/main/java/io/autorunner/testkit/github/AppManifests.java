package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * GitHub's App manifest flow: the organisation's new-App page takes a form's {@code manifest} (as
 * if the owner pressed "Create GitHub App" at once) and sends the browser to its {@code
 * redirect_url} with a code and the {@code state}; {@code POST /app-manifests/{code}/conversions}
 * trades a code, once, for the App's id, PKCS#1 private key and generated webhook secret. Neither
 * takes a token. Thread-safe.
 */
public final class AppManifests {

  /** An App registered from a manifest, with what the conversion handed out. */
  public record Registration(
      String org, JsonNode manifest, String state, long id, String pem, String webhookSecret) {}

  private final Supplier<java.net.URI> baseUrl;
  private final Map<String, Registration> pending = new LinkedHashMap<>();
  private final List<Registration> registered = new ArrayList<>();
  private final SecureRandom random = new SecureRandom();
  private long nextId = 900001;

  AppManifests(Supplier<java.net.URI> baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** The paths of this flow need no token: a browser posts the form; the code is the credential. */
  static boolean open(Request request) {
    return request.path().matches("/organizations/[^/]+/settings/apps/new")
        || request.path().matches("/app-manifests/[^/]+/conversions");
  }

  void routes(JsonServer server) {
    server.route("POST", "/organizations/([^/]+)/settings/apps/new", this::newApp);
    server.route("POST", "/app-manifests/([^/]+)/conversions", this::convert);
  }

  /** Every App registered so far, in order, converted or not. */
  public synchronized List<Registration> registered() {
    return List.copyOf(registered);
  }

  private synchronized Response newApp(Request request) {
    String form = new String(request.body(), StandardCharsets.UTF_8);
    String text = formField(form, "manifest");
    JsonNode manifest;
    try {
      manifest = text == null ? null : JsonServer.JSON.readTree(text);
    } catch (JacksonException e) {
      manifest = null;
    }
    if (manifest == null
        || manifest.path("url").asString("").isEmpty()
        || manifest.path("hook_attributes").path("url").asString("").isEmpty()
        || manifest.path("redirect_url").asString("").isEmpty()) {
      return GitHubErrors.error(422, "Invalid GitHub App configuration");
    }
    String code = HexFormat.of().formatHex(bytes(20));
    String state = request.queryParam("state").orElse("");
    Registration app =
        new Registration(
            request.param(0),
            manifest,
            state,
            nextId++,
            pkcs1Pem(),
            HexFormat.of().formatHex(bytes(20)));
    pending.put(code, app);
    registered.add(app);
    String location =
        manifest.path("redirect_url").asString()
            + "?code="
            + code
            + (state.isEmpty() ? "" : "&state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
    return Response.empty(302).withHeaders(Map.of("Location", location));
  }

  private synchronized Response convert(Request request) {
    Registration app = pending.remove(request.param(0));
    if (app == null) {
      return GitHubErrors.notFound();
    }
    String slug =
        app.manifest().path("name").asString("app").toLowerCase().replaceAll("[^a-z0-9]+", "-");
    ObjectNode body = JsonServer.JSON.createObjectNode();
    body.put("id", app.id());
    body.put("slug", slug);
    body.put("name", app.manifest().path("name").asString());
    body.putObject("owner").put("login", app.org());
    body.put("html_url", baseUrl.get().resolve("/apps/" + slug).toString());
    body.put("client_id", "Iv1." + HexFormat.of().formatHex(bytes(8)));
    body.put("client_secret", HexFormat.of().formatHex(bytes(20)));
    body.put("webhook_secret", app.webhookSecret());
    body.put("pem", app.pem());
    body.set("permissions", app.manifest().path("default_permissions"));
    body.set("events", app.manifest().path("default_events"));
    return Response.json(201, body);
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** A fresh RSA key as GitHub hands it out: PKCS#1, {@code BEGIN RSA PRIVATE KEY}. */
  private static String pkcs1Pem() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
      // A 2048-bit key's PKCS#8 wrapping is a fixed 26-byte header before the PKCS#1 structure.
      byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
      return "-----BEGIN RSA PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(pkcs1)
          + "\n-----END RSA PRIVATE KEY-----\n";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String formField(String form, String name) {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
