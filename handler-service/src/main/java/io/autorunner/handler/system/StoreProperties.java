package io.autorunner.handler.system;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.store.*}: where the state every handler instance shares lives (the replacement
 * ledger).
 *
 * @param mode {@code memory} (the local default: one process, lost on restart) or {@code datastore}
 *     (Firestore in Datastore mode; what several instances on Cloud Run need)
 * @param project the GCP project of the database; blank: {@code autorunner.gce.project}
 * @param database the Firestore database id (Datastore mode); blank: the project's (default) one
 * @param namespace the Datastore namespace, or blank for the default one
 * @param endpoint overrides the Datastore API address (tests: {@code http://127.0.0.1:PORT}, which
 *     goes without credentials)
 * @param expireAfter how long a job's entry is kept after its last change (its {@code expireAt},
 *     which the TTL policy deletes by)
 */
@Validated
@ConfigurationProperties("autorunner.store")
public record StoreProperties(
    @DefaultValue("memory") @NotNull Mode mode,
    String project,
    @DefaultValue("autorunner") String database,
    String namespace,
    String endpoint,
    @DefaultValue("7d") Duration expireAfter) {

  public StoreProperties {
    if (endpoint != null
        && !endpoint.isBlank()
        && !endpoint.startsWith("http://")
        && !endpoint.startsWith("https://")) {
      throw new IllegalArgumentException(
          "autorunner.store.endpoint must be an http:// or https:// URL, not " + endpoint);
    }
    if (expireAfter != null
        && (expireAfter.compareTo(Duration.ofDays(1)) < 0
            || expireAfter.compareTo(Duration.ofDays(365)) > 0)) {
      throw new IllegalArgumentException(
          "autorunner.store.expire-after must be between 1d and 365d, not " + expireAfter);
    }
  }

  /** The ledger adapters. */
  public enum Mode {
    MEMORY,
    DATASTORE
  }
}
