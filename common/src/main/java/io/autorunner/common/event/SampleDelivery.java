package io.autorunner.common.event;

import io.autorunner.common.json.JsonText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code workflow_job} delivery as GitHub sends it, for the places that must make one: the
 * webhook's warm-up, the AOT training run, the tests and the load bench. Immutable; each {@code
 * with…} returns a changed copy. Only the fields the webhook reads are written, plus the job's and
 * workflow's names.
 */
public final class SampleDelivery {

  private String action = "queued";
  private String status = "queued";
  private final long jobId;
  private long runId;
  private int runAttempt = 1;
  private final List<String> labels;
  private Optional<String> conclusion = Optional.empty();
  private Optional<String> runnerName = Optional.empty();
  private Optional<Long> runnerId = Optional.empty();
  private final String owner;
  private final String repository;
  private boolean privateRepository = true;
  private Optional<Long> installationId = Optional.of(1L);

  private SampleDelivery(long jobId, List<String> labels, String owner, String repository) {
    this.jobId = jobId;
    this.runId = jobId;
    this.labels = List.copyOf(labels);
    this.owner = Objects.requireNonNull(owner, "owner");
    this.repository = Objects.requireNonNull(repository, "repository");
  }

  /**
   * Job {@code jobId} of the organisation repository {@code owner/repository}, queued with {@code
   * labels}: run id = job id, attempt 1, private, sent by installation 1.
   */
  public static SampleDelivery queued(
      long jobId, String owner, String repository, List<String> labels) {
    return new SampleDelivery(jobId, labels, owner, repository);
  }

  /** The same job, now with {@code action} ({@code in_progress}, …) and {@code status}. */
  public SampleDelivery withAction(String action, String status) {
    SampleDelivery copy = copy();
    copy.action = Objects.requireNonNull(action, "action");
    copy.status = Objects.requireNonNull(status, "status");
    return copy;
  }

  /** The same job, taken by runner {@code name} with {@code id}. */
  public SampleDelivery withRunner(String name, long id) {
    SampleDelivery copy = copy();
    copy.runnerName = Optional.of(name);
    copy.runnerId = Optional.of(id);
    return copy;
  }

  /** The same job, completed with {@code conclusion}. */
  public SampleDelivery completed(String conclusion) {
    SampleDelivery copy = withAction("completed", "completed");
    copy.conclusion = Optional.of(conclusion);
    return copy;
  }

  /** The same job, in a repository that is {@code privateRepository} or public. */
  public SampleDelivery withPrivateRepository(boolean privateRepository) {
    SampleDelivery copy = copy();
    copy.privateRepository = privateRepository;
    return copy;
  }

  /** The same job, sent by App installation {@code id}. */
  public SampleDelivery withInstallation(long id) {
    SampleDelivery copy = copy();
    copy.installationId = Optional.of(id);
    return copy;
  }

  /** The same job, of run {@code runId} and its attempt {@code runAttempt}. */
  public SampleDelivery withRun(long runId, int runAttempt) {
    SampleDelivery copy = copy();
    copy.runId = runId;
    copy.runAttempt = runAttempt;
    return copy;
  }

  private SampleDelivery copy() {
    SampleDelivery copy = new SampleDelivery(jobId, labels, owner, repository);
    copy.action = action;
    copy.status = status;
    copy.runId = runId;
    copy.runAttempt = runAttempt;
    copy.conclusion = conclusion;
    copy.runnerName = runnerName;
    copy.runnerId = runnerId;
    copy.privateRepository = privateRepository;
    copy.installationId = installationId;
    return copy;
  }

  /** The body, as GitHub writes it. */
  public String json() {
    StringBuilder out = new StringBuilder(512);
    out.append("{\"action\":").append(JsonText.quoted(action));
    out.append(",\"workflow_job\":{\"id\":").append(jobId);
    out.append(",\"run_id\":").append(runId);
    out.append(",\"run_attempt\":").append(runAttempt);
    out.append(",\"labels\":[");
    for (int i = 0; i < labels.size(); i++) {
      out.append(i == 0 ? "" : ",").append(JsonText.quoted(labels.get(i)));
    }
    out.append("],\"status\":").append(JsonText.quoted(status));
    out.append(",\"conclusion\":").append(conclusion.map(JsonText::quoted).orElse("null"));
    out.append(",\"runner_name\":").append(runnerName.map(JsonText::quoted).orElse("null"));
    out.append(",\"runner_id\":").append(runnerId.map(String::valueOf).orElse("null"));
    out.append(",\"name\":\"test (cuda)\",\"workflow_name\":\"GPU tests\"");
    out.append(",\"created_at\":\"2025-03-04T08:12:30Z\"");
    out.append(",\"started_at\":")
        .append(runnerName.isPresent() ? "\"2025-03-04T08:13:45Z\"" : "null")
        .append('}');
    out.append(",\"repository\":{\"full_name\":").append(JsonText.quoted(owner + "/" + repository));
    out.append(",\"name\":").append(JsonText.quoted(repository));
    out.append(",\"private\":").append(privateRepository);
    out.append(",\"owner\":{\"login\":").append(JsonText.quoted(owner));
    out.append(",\"type\":").append(JsonText.quoted("Organization")).append("}}");
    out.append(",\"organization\":{\"login\":").append(JsonText.quoted(owner)).append('}');
    installationId.ifPresent(id -> out.append(",\"installation\":{\"id\":").append(id).append('}'));
    return out.append('}').toString();
  }

  /** The body's bytes (UTF-8), as signed and sent. */
  public byte[] bytes() {
    return json().getBytes(StandardCharsets.UTF_8);
  }
}
