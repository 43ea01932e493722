package io.autorunner.testkit.local;

import io.autorunner.testkit.datastore.FakeDatastore;
import io.autorunner.testkit.gce.FakeComputeEngine;
import io.autorunner.testkit.github.FakeGitHub;
import java.net.URI;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment each service of the {@link LocalSystem} starts with: pointed at the fakes, with
 * windows sized for VMs that boot in seconds; a test's overrides win.
 */
final class ServiceEnvironments {

  private ServiceEnvironments() {}

  static Map<String, String> handler(
      FakeComputeEngine gce,
      FakeGitHub github,
      FakeDatastore store,
      URI front,
      Map<String, String> overrides) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AUTORUNNER_HANDLER_AUTH", "none");
    env.put("AUTORUNNER_COMPUTE_MODE", "gce");
    env.put("AUTORUNNER_GCE_PROJECT", "local-demo");
    env.put("AUTORUNNER_GCE_ENDPOINT", gce.baseUrl().toString());
    env.put("AUTORUNNER_GCE_ZONES", "us-central1-a,us-central1-b,us-central1-c");
    env.put("AUTORUNNER_GITHUB_API_URL", github.baseUrl().toString());
    // The VMs ask the handler for their runner with identity tokens their (fake) metadata server
    // signs, under a role-less account as in production; the handler checks them against the
    // fake's published key, as it checks Google's.
    env.put(
        "AUTORUNNER_GCE_SERVICE_ACCOUNT", "autorunner-runner@local-demo.iam.gserviceaccount.com");
    env.put("AUTORUNNER_RUNNER_CONFIG_URL", front + "/vm/runner-config");
    env.put("AUTORUNNER_RUNNER_CONFIG_AUDIENCE", front.toString());
    env.put("AUTORUNNER_RUNNER_CONFIG_JWKS_URL", gce.metadataServer().keysUrl().toString());
    // As a GitHub App, as in production: the sweep reads the installation's repositories and
    // the App hook's delivery log. The fake takes any App JWT; the key is fresh each time.
    env.put("AUTORUNNER_GITHUB_APP_ID", "1");
    env.put("AUTORUNNER_GITHUB_APP_PRIVATE_KEY", appKeyPem());
    // What every instance must agree on, and what survives a restart, is in the one store.
    env.put("AUTORUNNER_STORE_MODE", "datastore");
    env.put("AUTORUNNER_STORE_ENDPOINT", store.baseUrl().toString());
    // No Cloud Scheduler here: the handler runs its own reconciler, with windows sized for VMs
    // that boot in seconds.
    env.put("AUTORUNNER_RECONCILE_EVERY", "3s");
    env.put("AUTORUNNER_RECONCILE_BOOT_TIMEOUT", "15s");
    env.put("AUTORUNNER_RECONCILE_QUEUED_GRACE", "5s");
    // A minted runner is held for its create's insert: the operation timeout plus 10 s.
    env.put("AUTORUNNER_GCE_OPERATION_TIMEOUT", "5s");
    env.put("AUTORUNNER_RECONCILE_ORPHAN_RUNNER_GRACE", "15s");
    env.putAll(overrides);
    return env;
  }

  /** The scheduler's local queue delivers to {@code handlerUrl}, retrying fast. */
  static Map<String, String> scheduler(URI handlerUrl, Map<String, String> overrides) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AUTORUNNER_WEBHOOK_SECRET", LocalSystem.SECRET);
    env.put("AUTORUNNER_TASKS_MODE", "local");
    env.put("AUTORUNNER_TASKS_HANDLER_URL", handlerUrl.toString());
    env.put("AUTORUNNER_TASKS_LOCAL_MIN_BACKOFF", "500ms");
    env.put("AUTORUNNER_TASKS_LOCAL_MAX_BACKOFF", "5s");
    env.put("AUTORUNNER_TASKS_LOCAL_MAX_ATTEMPTS", "30");
    env.put("AUTORUNNER_TASKS_LOCAL_MAX_CONCURRENT_DISPATCHES", "10");
    env.putAll(overrides);
    return env;
  }

  private static String appKeyPem() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
          + "\n-----END PRIVATE KEY-----\n";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("RSA is not available", e);
    }
  }
}
