package io.autorunner.handler.ledger.datastore;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.datastore.Datastore;
import com.google.cloud.datastore.DatastoreOptions;
import com.google.cloud.http.HttpTransportOptions;
import java.time.Duration;

/**
 * Datastore clients over the HTTP transport, set up for the ledger's short transactions. Nothing
 * closes them: the HTTP transport holds no channel, and its {@code close()} only logs a warning
 * with a stack trace.
 */
public final class DatastoreClients {

  /**
   * How long a ledger call may try. Each attempt of a contended transaction lets one writer in, so
   * a handful of handler instances writing one job's entity at once need several attempts; the
   * jittered backoff spreads them. The total stays well inside a task's deadline: past it the task
   * answers "retry" and Cloud Tasks comes back later.
   */
  public static final RetrySettings RETRIES =
      RetrySettings.newBuilder()
          .setMaxAttempts(12)
          .setInitialRetryDelayDuration(Duration.ofMillis(25))
          .setRetryDelayMultiplier(2)
          .setMaxRetryDelayDuration(Duration.ofSeconds(1))
          .setTotalTimeoutDuration(Duration.ofSeconds(20))
          .setInitialRpcTimeoutDuration(Duration.ofSeconds(10))
          .setRpcTimeoutMultiplier(1)
          .setMaxRpcTimeoutDuration(Duration.ofSeconds(10))
          .build();

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private DatastoreClients() {}

  /** A client of {@code location} with the ledger's {@link #RETRIES}. */
  public static Datastore connect(DatastoreLocation location) {
    return connect(location, RETRIES);
  }

  /** A client of {@code location} that retries as {@code retries} says. */
  public static Datastore connect(DatastoreLocation location, RetrySettings retries) {
    DatastoreOptions.Builder options =
        DatastoreOptions.newBuilder()
            .setProjectId(location.project())
            .setDatabaseId(location.database())
            .setRetrySettings(retries)
            .setTransportOptions(
                HttpTransportOptions.newBuilder()
                    .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
                    .setReadTimeout(READ_TIMEOUT_MILLIS)
                    .build());
    if (!location.namespace().isBlank()) {
      options.setNamespace(location.namespace());
    }
    location
        .override()
        .ifPresent(
            override -> {
              options.setHost(override.address());
              if (override.withoutCredentials()) {
                options.setCredentials(NoCredentials.getInstance());
              }
            });
    return options.build().getService();
  }
}
