package io.autorunner.scheduler.queue;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.CloudTasksSettings;
import io.autorunner.common.config.EndpointOverride;
import java.io.IOException;
import java.time.Duration;

/** Cloud Tasks clients set up for enqueueing from a webhook request. */
public final class CloudTasksClients {

  /** GitHub gives up on a webhook after 10 s; the enqueue must answer well within that. */
  private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(5);

  private CloudTasksClients() {}

  /**
   * A Cloud Tasks client over HTTP/JSON for {@code autorunner.tasks.endpoint} (Google's when
   * unset), trying a createTask once within {@link #CREATE_TIMEOUT}.
   */
  public static CloudTasksClient connect(TasksProperties tasks) {
    CloudTasksSettings.Builder settings = CloudTasksSettings.newHttpJsonBuilder();
    EndpointOverride.of(tasks.endpoint())
        .ifPresent(
            override -> {
              settings.setEndpoint(override.address());
              if (override.withoutCredentials()) {
                settings.setCredentialsProvider(NoCredentialsProvider.create());
              }
            });
    settings
        .createTaskSettings()
        .setRetrySettings(
            RetrySettings.newBuilder()
                .setTotalTimeoutDuration(CREATE_TIMEOUT)
                .setInitialRpcTimeoutDuration(CREATE_TIMEOUT)
                .setMaxRpcTimeoutDuration(CREATE_TIMEOUT)
                .setRpcTimeoutMultiplier(1.0)
                .setMaxAttempts(1)
                .build());
    try {
      return CloudTasksClient.create(settings.build());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the Cloud Tasks client: " + e.getMessage(), e);
    }
  }
}
