package io.autorunner.handler.setup;

import java.net.URI;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The App autorunner needs, as GitHub's manifest flow takes it: exactly the permissions and the
 * event the README's App section names (organisation self-hosted runners read and write, Actions
 * and Metadata read-only, the {@code workflow_job} event), the scheduler's webhook, private to its
 * owner. GitHub generates the webhook secret and the key when it registers the App.
 */
final class AppManifest {

  /** Permission name → access, in the manifest's {@code default_permissions} format. */
  static final Map<String, String> PERMISSIONS =
      Map.of("organization_self_hosted_runners", "write", "actions", "read", "metadata", "read");

  static final List<String> EVENTS = List.of("workflow_job");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private AppManifest() {}

  /** The manifest's JSON. */
  static String json(String name, URI homepage, URI webhook, URI redirect) {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("name", name);
    manifest.put("url", homepage.toString());
    ObjectNode hook = manifest.putObject("hook_attributes");
    hook.put("url", webhook.toString());
    hook.put("active", true);
    manifest.put("redirect_url", redirect.toString());
    manifest.put("public", false);
    ObjectNode permissions = manifest.putObject("default_permissions");
    PERMISSIONS.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(p -> permissions.put(p.getKey(), p.getValue()));
    EVENTS.forEach(manifest.putArray("default_events")::add);
    return JSON.writeValueAsString(manifest);
  }
}
