package io.autorunner.testkit.gce;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Response;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The VMs' metadata server, as far as a runner VM uses it: instance identity tokens ({@code
 * .../service-accounts/default/identity?audience=…&format=full}), signed RS256 with a key made at
 * start, whose public half the fake publishes as Google publishes its own ({@link #PATH}). A VM
 * without a service account has no token, as on GCE.
 */
public final class MetadataServer {

  /**
   * Where the signing keys are published, as {@code https://www.googleapis.com/oauth2/v3/certs}.
   */
  static final String PATH = "/oauth2/v3/certs";

  static final String ISSUER = "https://accounts.google.com";
  static final long PROJECT_NUMBER = 123456789012L;

  private static final String KEY_ID = "fake-gce-identity-1";

  private final KeyPair key;
  private final ComputeState state;
  private final URI baseUrl;

  MetadataServer(ComputeState state, URI baseUrl) {
    this.state = state;
    this.baseUrl = baseUrl;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      this.key = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is not available", e);
    }
  }

  void routes(JsonServer server) {
    server.route("GET", PATH, r -> Response.json(200, keySet()));
  }

  /** Where the signing keys are published (Google's certs URL, in the fake). */
  public URI keysUrl() {
    return URI.create(baseUrl + PATH);
  }

  /**
   * What VM {@code name}'s metadata server answers for an identity token for {@code audience}: a
   * signed token naming the VM. Empty when there is no such VM, or it has no service account.
   */
  public Optional<String> identityToken(String name, String audience) {
    return identityClaims(name, audience).map(this::sign);
  }

  /** The claims {@link #identityToken} signs, for a test to alter and {@link #sign}. */
  public Optional<ObjectNode> identityClaims(String name, String audience) {
    synchronized (state.lock) {
      return state.find(name).flatMap(vm -> claims(vm, audience));
    }
  }

  private Optional<ObjectNode> claims(Vm vm, String audience) {
    JsonNode account = vm.resource.path("serviceAccounts").path(0).path("email");
    if (!account.isString() || account.asString().isBlank()) {
      return Optional.empty();
    }
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = JsonServer.JSON.createObjectNode();
    claims.put("iss", ISSUER);
    claims.put("aud", audience);
    claims.put("sub", "10" + Long.toUnsignedString(vm.id).substring(0, 10));
    claims.put("azp", claims.path("sub").asString());
    claims.put("email", account.asString());
    claims.put("email_verified", true);
    claims.put("iat", now);
    claims.put("exp", now + 3600);
    ObjectNode compute = claims.putObject("google").putObject("compute_engine");
    compute.put("project_id", vm.project);
    compute.put("project_number", PROJECT_NUMBER);
    compute.put("zone", vm.zone);
    compute.put("instance_id", Long.toUnsignedString(vm.id));
    compute.put("instance_name", vm.name);
    compute.put("instance_creation_timestamp", vm.created.getEpochSecond());
    return Optional.of(claims);
  }

  /** Any claims, as a compact JWS signed with the key the VMs' tokens are signed with. */
  public String sign(JsonNode claims) {
    ObjectNode header = JsonServer.JSON.createObjectNode();
    header.put("alg", "RS256");
    header.put("kid", KEY_ID);
    header.put("typ", "JWT");
    String signingInput = base64(json(header)) + "." + base64(json(claims));
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key.getPrivate());
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + base64(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign an identity token", e);
    }
  }

  private ObjectNode keySet() {
    RSAPublicKey pub = (RSAPublicKey) key.getPublic();
    ObjectNode set = JsonServer.JSON.createObjectNode();
    ObjectNode jwk = set.putArray("keys").addObject();
    jwk.put("kty", "RSA");
    jwk.put("alg", "RS256");
    jwk.put("use", "sig");
    jwk.put("kid", KEY_ID);
    jwk.put("n", base64(unsigned(pub.getModulus())));
    jwk.put("e", base64(unsigned(pub.getPublicExponent())));
    return set;
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      byte[] trimmed = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
      return trimmed;
    }
    return bytes;
  }

  private static byte[] json(JsonNode node) {
    return JsonServer.JSON.writeValueAsBytes(node);
  }

  private static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
