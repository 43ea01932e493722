package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Encoded JIT configs shaped like GitHub's: base64 of a JSON object whose {@code .runner}, {@code
 * .credentials} and {@code .credentials_rsaparams} entries are base64 JSON files, the {@code
 * .runner} one naming the runner ({@code agentId}). So the fake can tell which runner a booting
 * VM's script registers.
 */
final class JitConfigs {

  private static final SecureRandom RANDOM = new SecureRandom();

  // A quoted base64 word in a rendered script: bash 'x' and PowerShell 'x' alike.

  private JitConfigs() {}

  static String encode(long runnerId, String name, long groupId, String serverUrl, String work) {
    return encode(runnerId, name, groupId, "Default", serverUrl, work);
  }

  static String encode(
      long runnerId, String name, long groupId, String groupName, String serverUrl, String work) {
    Map<String, Object> runner = new LinkedHashMap<>();
    runner.put("agentId", runnerId);
    runner.put("agentName", name);
    runner.put("poolId", groupId);
    runner.put("poolName", groupName);
    runner.put("serverUrl", serverUrl);
    runner.put("gitHubUrl", serverUrl);
    runner.put("workFolder", work);
    runner.put("ephemeral", true);
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    Map<String, Object> credentials =
        Map.of(
            "scheme",
            "OAuth",
            "data",
            Map.of("clientId", UUID.randomUUID().toString(), "authorizationUrl", serverUrl));
    Map<String, Object> files = new LinkedHashMap<>();
    files.put(".runner", base64Json(runner));
    files.put(".credentials", base64Json(credentials));
    files.put(
        ".credentials_rsaparams",
        base64Json(Map.of("d", Base64.getEncoder().encodeToString(secret))));
    return base64Json(files);
  }

  /** The runner id inside an encoded config, or empty when it is not one of ours. */
  static OptionalLong runnerId(String encoded) {
    try {
      JsonNode files = JsonServer.JSON.readTree(Base64.getDecoder().decode(encoded));
      String runner = files.path(".runner").asString("");
      if (runner.isEmpty()) {
        return OptionalLong.empty();
      }
      JsonNode agent = JsonServer.JSON.readTree(Base64.getDecoder().decode(runner));
      return agent.path("agentId").isNumber()
          ? OptionalLong.of(agent.path("agentId").asLong())
          : OptionalLong.empty();
    } catch (IllegalArgumentException | JacksonException e) {
      return OptionalLong.empty();
    }
  }

  private static String base64Json(Object value) {
    return Base64.getEncoder()
        .encodeToString(JsonServer.JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8));
  }
}
