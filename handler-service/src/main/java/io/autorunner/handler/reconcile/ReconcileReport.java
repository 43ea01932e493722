package io.autorunner.handler.reconcile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What one reconcile run found and did; the endpoint answers with it and the log says the same. */
public final class ReconcileReport implements SweepReader.Failures {

  private final Map<String, Integer> found = new LinkedHashMap<>();
  private final List<Entry> deletedVms = new ArrayList<>();
  private final List<Entry> deletedRunners = new ArrayList<>();
  private final List<Entry> createdVms = new ArrayList<>();
  private final List<Entry> kept = new ArrayList<>();
  private final List<Entry> skipped = new ArrayList<>();
  private final List<Entry> failures = new ArrayList<>();
  private final Set<String> failedScopes = new HashSet<>();
  private boolean queuedListingFailed;
  private final Map<String, List<String>> notes = new LinkedHashMap<>();

  /** One subject (a VM, a runner, a job) and why. */
  public record Entry(String name, String reason) {}

  void found(int vms, int runners, int queuedJobs) {
    found.put("vms", vms);
    found.put("runners", runners);
    found.put("queuedJobs", queuedJobs);
  }

  void deletedVm(String name, String reason) {
    deletedVms.add(new Entry(name, reason));
  }

  void deletedRunner(String name, String reason) {
    deletedRunners.add(new Entry(name, reason));
  }

  void createdVm(String name, String reason) {
    createdVms.add(new Entry(name, reason));
  }

  void kept(String name, String reason) {
    kept.add(new Entry(name, reason));
  }

  void skipped(long jobId, String reason) {
    skipped.add(new Entry("job " + jobId, reason));
  }

  void failed(String name, String reason) {
    failures.add(new Entry(name, reason));
  }

  /**
   * A line of what the sweep learnt besides VMs and runners (runner groups, redeliveries, calls).
   */
  void note(String topic, String line) {
    if (line != null && !line.isBlank()) {
      notes.computeIfAbsent(topic, t -> new ArrayList<>()).add(line);
    }
  }

  public Map<String, List<String>> getNotes() {
    return notes;
  }

  @Override
  public void failedQueuedListing(String repository, String reason) {
    queuedListingFailed = true;
    failures.add(new Entry(repository, "list queued jobs: " + reason));
  }

  boolean queuedListingFailed() {
    return queuedListingFailed;
  }

  @Override
  public void failedScope(String scope, String reason) {
    failedScopes.add(scope);
    failures.add(new Entry(scope, "list runners: " + reason));
  }

  boolean failedScope(String scope) {
    return failedScopes.contains(scope);
  }

  public Map<String, Integer> getFound() {
    return found;
  }

  public List<Entry> getDeletedVms() {
    return deletedVms;
  }

  public List<Entry> getDeletedRunners() {
    return deletedRunners;
  }

  public List<Entry> getCreatedVms() {
    return createdVms;
  }

  public List<Entry> getKept() {
    return kept;
  }

  public List<Entry> getSkipped() {
    return skipped;
  }

  public List<Entry> getFailures() {
    return failures;
  }

  public boolean hasFailures() {
    return !failures.isEmpty();
  }

  /** One line for the log. */
  public String summary() {
    return "found "
        + found
        + ", deleted VMs "
        + deletedVms
        + ", deleted runners "
        + deletedRunners
        + ", created VMs "
        + createdVms
        + ", kept "
        + kept.size()
        + ", skipped "
        + skipped
        + ", failures "
        + failures
        + (notes.isEmpty() ? "" : ", " + notes);
  }
}
