package io.autorunner.handler.vm.gce;

import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.vm.BilledShape;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.MachineRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The labels of a VM to insert, each value held to GCE's label rules. */
final class InstanceLabels {

  private static final int MAX_LABEL_VALUE = 63;

  private InstanceLabels() {}

  /**
   * Who the VM is for (job, run, repository, workflow, job name: Cloud Billing's export groups cost
   * by them) and what it is made of (machine, GPUs, disk, Spot: its cost is priced from them when
   * it goes).
   */
  static Map<String, String> of(MachineRequest request, boolean spot, String diskType) {
    RunnerSpec spec = request.spec();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MachineLabels.MANAGED_BY, MachineLabels.MANAGED_BY_VALUE);
    request
        .job()
        .ifPresent(
            job -> {
              labels.put(MachineLabels.JOB_ID, Long.toString(job.jobId()));
              labels.put(MachineLabels.RUN_ID, Long.toString(job.runId()));
            });
    request.pool().ifPresent(pool -> labels.put(MachineLabels.POOL, pool.pool()));
    labels.put(MachineLabels.REPOSITORY, labelValue(request.repositoryLabel()));
    if (request.workflow() != null && !request.workflow().isBlank()) {
      labels.put(MachineLabels.WORKFLOW, labelValue(request.workflow()));
    }
    if (request.jobName() != null && !request.jobName().isBlank()) {
      labels.put(MachineLabels.JOB_NAME, labelValue(request.jobName()));
    }
    labels.put(MachineLabels.GPU, Boolean.toString(spec.hasGpu()));
    labels.put(MachineLabels.SPOT, Boolean.toString(spot));
    labels.putAll(
        new BilledShape(
                spec.machineType(),
                spec.hasGpu() ? spec.accelerator().type() : "",
                spec.hasGpu() ? spec.accelerator().count() : 0,
                spec.diskGb(),
                diskType,
                spot)
            .labels());
    return labels;
  }

  /**
   * A value fit for a GCE label: lower case, only {@code [a-z0-9_-]}, at most 63 characters,
   * starting with a letter ({@code Octo-Org/My.Repo} becomes {@code octo-org_my_repo}).
   */
  static String labelValue(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      out.append(allowed ? c : '_');
    }
    if (out.isEmpty() || out.charAt(0) < 'a' || out.charAt(0) > 'z') {
      out.insert(0, "r-");
    }
    return out.length() > MAX_LABEL_VALUE ? out.substring(0, MAX_LABEL_VALUE) : out.toString();
  }
}
