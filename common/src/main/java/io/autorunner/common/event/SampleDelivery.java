package io.autorunner.common.event;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code workflow_job} delivery as GitHub sends it, for the places that must make one: the
 * webhook's warm-up, the AOT training run, the tests and the load bench. Immutable; each {@code
 * with…} returns a changed copy. Only the fields the webhook reads are written, plus the job's and
 * workflow's names.
 *
 * @param action {@code queued}, {@code in_progress}, {@code completed}, {@code waiting}
 * @param jobId the job's id
 * @param runId its run's id
 * @param runAttempt the run's attempt, from 1
 * @param labels the job's {@code runs-on} labels
 * @param status the job's status
 * @param conclusion the job's conclusion once completed
 * @param runnerName the runner the job ran on, once one took it
 * @param runnerId that runner's id
 * @param owner the repository's owner
 * @param repository the repository's name (without the owner)
 * @param organization whether the owner is an organisation (else a user)
 * @param privateRepository whether the repository is private
 * @param installationId the App installation that sent it
 */
public record SampleDelivery(
    String action,
    long jobId,
    long runId,
    int runAttempt,
    List<String> labels,
    String status,
    Optional<String> conclusion,
    Optional<String> runnerName,
    Optional<Long> runnerId,
    String owner,
    String repository,
    boolean organization,
    boolean privateRepository,
    Optional<Long> installationId) {

  public SampleDelivery {
    Objects.requireNonNull(action, "action");
    labels = List.copyOf(labels);
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(repository, "repository");
  }

  /** A job of {@code owner/repository} queued with {@code labels}: run id = job id, attempt 1. */
  public static SampleDelivery queued(
      long jobId, String owner, String repository, List<String> labels) {
    return new SampleDelivery(
        "queued",
        jobId,
        jobId,
        1,
        labels,
        "queued",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        owner,
        repository,
        true,
        true,
        Optional.of(1L));
  }

  /** The same job, now with {@code action} and {@code status}. */
  public SampleDelivery withAction(String action, String status) {
    return new SampleDelivery(
        action,
        jobId,
        runId,
        runAttempt,
        labels,
        status,
        conclusion,
        runnerName,
        runnerId,
        owner,
        repository,
        organization,
        privateRepository,
        installationId);
  }

  /** The same job, taken by runner {@code name} with {@code id}. */
  public SampleDelivery withRunner(String name, long id) {
    return new SampleDelivery(
        action,
        jobId,
        runId,
        runAttempt,
        labels,
        status,
        conclusion,
        Optional.of(name),
        Optional.of(id),
        owner,
        repository,
        organization,
        privateRepository,
        installationId);
  }

  /** The same job, completed with {@code conclusion}. */
  public SampleDelivery completed(String conclusion) {
    return new SampleDelivery(
        "completed",
        jobId,
        runId,
        runAttempt,
        labels,
        "completed",
        Optional.of(conclusion),
        runnerName,
        runnerId,
        owner,
        repository,
        organization,
        privateRepository,
        installationId);
  }

  /** The same job, in a repository that is {@code privateRepository} or public. */
  public SampleDelivery withPrivateRepository(boolean privateRepository) {
    return new SampleDelivery(
        action,
        jobId,
        runId,
        runAttempt,
        labels,
        status,
        conclusion,
        runnerName,
        runnerId,
        owner,
        repository,
        organization,
        privateRepository,
        installationId);
  }

  /** The same job, sent by App installation {@code id}. */
  public SampleDelivery withInstallation(long id) {
    return new SampleDelivery(
        action,
        jobId,
        runId,
        runAttempt,
        labels,
        status,
        conclusion,
        runnerName,
        runnerId,
        owner,
        repository,
        organization,
        privateRepository,
        Optional.of(id));
  }

  /** The same job, of run {@code runId}. */
  public SampleDelivery withRun(long runId, int runAttempt) {
    return new SampleDelivery(
        action,
        jobId,
        runId,
        runAttempt,
        labels,
        status,
        conclusion,
        runnerName,
        runnerId,
        owner,
        repository,
        organization,
        privateRepository,
        installationId);
  }

  /** The body, as GitHub writes it. */
  public String json() {
    StringBuilder out = new StringBuilder(512);
    out.append("{\"action\":").append(quoted(action));
    out.append(",\"workflow_job\":{\"id\":").append(jobId);
    out.append(",\"run_id\":").append(runId);
    out.append(",\"run_attempt\":").append(runAttempt);
    out.append(",\"labels\":[");
    for (int i = 0; i < labels.size(); i++) {
      out.append(i == 0 ? "" : ",").append(quoted(labels.get(i)));
    }
    out.append("],\"status\":").append(quoted(status));
    out.append(",\"conclusion\":").append(conclusion.map(SampleDelivery::quoted).orElse("null"));
    out.append(",\"runner_name\":").append(runnerName.map(SampleDelivery::quoted).orElse("null"));
    out.append(",\"runner_id\":").append(runnerId.map(String::valueOf).orElse("null"));
    out.append(",\"name\":\"test (cuda)\",\"workflow_name\":\"GPU tests\"}");
    out.append(",\"repository\":{\"full_name\":").append(quoted(owner + "/" + repository));
    out.append(",\"name\":").append(quoted(repository));
    out.append(",\"private\":").append(privateRepository);
    out.append(",\"owner\":{\"login\":").append(quoted(owner));
    out.append(",\"type\":").append(quoted(organization ? "Organization" : "User")).append("}}");
    if (organization) {
      out.append(",\"organization\":{\"login\":").append(quoted(owner)).append('}');
    }
    installationId.ifPresent(id -> out.append(",\"installation\":{\"id\":").append(id).append('}'));
    return out.append('}').toString();
  }

  /** The body's bytes (UTF-8), as signed and sent. */
  public byte[] bytes() {
    return json().getBytes(StandardCharsets.UTF_8);
  }

  private static String quoted(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
