package io.autorunner.scheduler.queue;

import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import io.autorunner.common.config.EndpointOverride;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** What authorizes the scheduler's calls to Cloud Tasks. */
public final class CloudTasksCredentials {

  /** The scope Cloud Tasks' API accepts. */
  private static final List<String> SCOPES =
      List.of("https://www.googleapis.com/auth/cloud-platform");

  private CloudTasksCredentials() {}

  /**
   * The Application Default Credentials (on Cloud Run: the service's account, through the metadata
   * server), or none for an {@code http://} stand-in on this machine.
   *
   * @throws IllegalStateException when there are none to be found (the service must not start)
   */
  public static Optional<Credentials> lookUp(TasksProperties tasks) {
    if (EndpointOverride.of(tasks.endpoint())
        .map(EndpointOverride::withoutCredentials)
        .orElse(false)) {
      return Optional.empty();
    }
    try {
      return Optional.of(GoogleCredentials.getApplicationDefault().createScoped(SCOPES));
    } catch (IOException e) {
      throw new IllegalStateException(
          "no Google credentials for Cloud Tasks (Application Default Credentials): "
              + e.getMessage(),
          e);
    }
  }
}
