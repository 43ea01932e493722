package io.autorunner.handler.ledger.datastore;

import io.autorunner.common.config.EndpointOverride;

/**
 * Which Datastore the ledger lives in.
 *
 * @param project the GCP project id
 * @param database the Firestore database id in Datastore mode ({@code ""}: the default database)
 * @param namespace the namespace, or blank for the default one
 * @param endpoint overrides the API address, or blank for Google's; plain {@code http://} (a local
 *     fake) goes without credentials
 */
public record DatastoreLocation(
    String project, String database, String namespace, String endpoint) {

  public DatastoreLocation {
    if (project == null || project.isBlank()) {
      throw new IllegalArgumentException("a Datastore location needs a project");
    }
    database = database == null ? "" : database;
    namespace = namespace == null ? "" : namespace;
    endpoint = endpoint == null ? "" : endpoint;
  }

  /** The endpoint override, empty for Google's own. */
  public java.util.Optional<EndpointOverride> override() {
    return EndpointOverride.of(endpoint);
  }
}
