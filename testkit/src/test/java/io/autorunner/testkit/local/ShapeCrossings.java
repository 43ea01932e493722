package io.autorunner.testkit.local;

import io.autorunner.common.policy.BindingLabel;
import io.autorunner.testkit.github.Job;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which VMs served a job other than the one they were made for, as the simulation reports it. A
 * job's shape is its labels but its binding label, so two jobs asking for the same machine are of
 * one shape however they bind; GitHub hands a job any idle runner whose labels include the job's,
 * so a CPU job may take the VM made for a GPU job unless the CPU job binds.
 */
final class ShapeCrossings {

  private ShapeCrossings() {}

  /**
   * VMs whose runner ran a job of another shape than the job the VM was made for.
   *
   * @param madeFor each VM's name and the id of the job it was made for
   */
  static long ranOtherShape(Map<String, Long> madeFor, List<Job> jobs) {
    Map<Long, Job> byId = jobs.stream().collect(Collectors.toMap(Job::id, Function.identity()));
    return madeFor.entrySet().stream()
        .filter(
            vm -> {
              Job own = byId.get(vm.getValue());
              if (own == null) {
                throw new IllegalStateException(
                    "VM " + vm.getKey() + " was made for job " + vm.getValue() + ", not in trace");
              }
              return jobs.stream()
                  .anyMatch(
                      other ->
                          vm.getKey().equals(other.runnerName())
                              && other.id() != own.id()
                              && !shape(other.labels()).equals(shape(own.labels())));
            })
        .count();
  }

  /** Jobs with a binding label that ran on a VM made for another job: none may. */
  static List<Long> boundOnAnotherJobsVm(Map<String, Long> madeFor, List<Job> jobs) {
    return jobs.stream()
        .filter(job -> BindingLabel.in(job.labels()).isPresent() && job.runnerName() != null)
        .filter(job -> !Long.valueOf(job.id()).equals(madeFor.get(job.runnerName())))
        .map(Job::id)
        .toList();
  }

  /** The jobs that carry a binding label. */
  static long bound(List<Job> jobs) {
    return jobs.stream().filter(job -> BindingLabel.in(job.labels()).isPresent()).count();
  }

  /** A job's labels but its binding label, compared without regard to case or order. */
  static Set<String> shape(List<String> labels) {
    return labels.stream()
        .filter(label -> !BindingLabel.is(label))
        .map(label -> label.toLowerCase(Locale.ROOT))
        .collect(Collectors.toSet());
  }
}
