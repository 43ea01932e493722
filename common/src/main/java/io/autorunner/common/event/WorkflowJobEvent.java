package io.autorunner.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code workflow_job} delivery. Unknown fields are ignored: each record says so itself, because
 * Jackson copies every unknown field of a record (a creator-built type) into a buffer unless the
 * type ignores them, which cost a quarter of the parse of GitHub's ~7 KB deliveries. While a job is
 * queued the runner fields are null, and a job cancelled before any runner took it arrives {@code
 * completed} with no runner.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkflowJobEvent(
    String action,
    @JsonProperty("workflow_job") WorkflowJob workflowJob,
    Repository repository,
    Account organization,
    Installation installation) {

  // Jackson 3 fails on a missing primitive by default; let a missing field reach the compact
  // constructors instead, which refuse a missing id and read a missing run_attempt as 1.
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  public WorkflowJobEvent {
    if (action == null || action.isBlank()) {
      throw new MalformedEventException("workflow_job event without an action");
    }
    if (workflowJob == null) {
      throw new MalformedEventException("workflow_job event without a workflow_job object");
    }
    if (repository == null) {
      throw new MalformedEventException("workflow_job event without a repository");
    }
  }

  /** Parses a raw webhook body; throws {@link MalformedEventException} for anything else. */
  public static WorkflowJobEvent parse(byte[] body) {
    Objects.requireNonNull(body, "body");
    try {
      WorkflowJobEvent event = JSON.readValue(body, WorkflowJobEvent.class);
      if (event == null) {
        throw new MalformedEventException("body is JSON null, not a workflow_job event");
      }
      return event;
    } catch (MalformedEventException e) {
      throw e;
    } catch (JacksonException e) {
      Throwable cause = e.getCause();
      if (cause instanceof MalformedEventException malformed) {
        throw malformed;
      }
      throw new MalformedEventException(
          "body is not a workflow_job event: " + e.getOriginalMessage(), e);
    }
  }

  public WorkflowJobAction jobAction() {
    return WorkflowJobAction.of(action);
  }

  /** The organisation's login; empty when the repository belongs to a user. */
  public Optional<String> organizationLogin() {
    return Optional.ofNullable(organization).map(Account::login);
  }

  /** The App installation that sent the event; empty when the webhook is a plain one. */
  public Optional<Long> installationId() {
    return Optional.ofNullable(installation).map(Installation::id);
  }

  /** The job itself. Runner fields are null until a runner takes the job. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record WorkflowJob(
      long id,
      @JsonProperty("run_id") long runId,
      @JsonProperty("run_attempt") int runAttempt,
      List<String> labels,
      String status,
      String conclusion,
      @JsonProperty("runner_id") Long runnerId,
      @JsonProperty("runner_name") String runnerName,
      @JsonProperty("runner_group_id") Long runnerGroupId,
      String name,
      @JsonProperty("workflow_name") String workflowName,
      @JsonProperty("html_url") String htmlUrl,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("started_at") String startedAt) {

    public WorkflowJob {
      if (id <= 0) {
        throw new MalformedEventException("workflow_job.id must be a positive number");
      }
      if (runId <= 0) {
        throw new MalformedEventException("workflow_job.run_id must be a positive number");
      }
      if (runAttempt <= 0) {
        runAttempt = 1;
      }
      if (labels == null) {
        throw new MalformedEventException("workflow_job.labels is missing");
      }
      if (labels.stream().anyMatch(Objects::isNull)) {
        throw new MalformedEventException("workflow_job.labels contains null");
      }
      labels = List.copyOf(labels);
    }

    /**
     * How long the job waited from GitHub queueing it to a runner starting it; empty until it
     * started, or when either time is missing or unreadable (they are GitHub's, through the
     * signature, but a malformed one is no reason to refuse the delivery).
     */
    public Optional<Duration> queuedToStart() {
      try {
        if (createdAt == null || startedAt == null) {
          return Optional.empty();
        }
        Duration waited = Duration.between(Instant.parse(createdAt), Instant.parse(startedAt));
        return waited.isNegative() ? Optional.empty() : Optional.of(waited);
      } catch (DateTimeParseException unreadable) {
        return Optional.empty();
      }
    }

    /** True when a runner took the job: GitHub fills runner_name only then. */
    public boolean hasRunner() {
      return runnerName != null && !runnerName.isBlank();
    }
  }

  /** The repository the job belongs to. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Repository(
      @JsonProperty("full_name") String fullName,
      String name,
      @JsonProperty("private") boolean isPrivate,
      Account owner) {

    public Repository {
      if (fullName == null || !fullName.contains("/")) {
        throw new MalformedEventException("repository.full_name must be owner/name");
      }
      if (owner == null || owner.login() == null) {
        throw new MalformedEventException("repository.owner.login is missing");
      }
      if (name == null) {
        name = fullName.substring(fullName.indexOf('/') + 1);
      }
    }

    public String ownerLogin() {
      return owner.login();
    }
  }

  /** A user or organisation account. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Account(String login, String type) {}

  /** The GitHub App installation behind the delivery. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Installation(long id) {}
}
