package io.autorunner.handler.status;

import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.vm.Machine;
import java.util.Optional;

/** Where a VM is in its life, from GCE's status and the runner GitHub lists for it. */
enum RunnerState {
  /** No runner was handed to it yet: it boots, or is about to ask for its runner. */
  BOOTING("booting"),
  /** Its runner is online and waits for a job. */
  IDLE("idle"),
  /** Its runner runs a job. */
  BUSY("busy"),
  /** Its runner is registered but not connected (its process exited, or not yet connected). */
  OFFLINE("offline"),
  /** It had a runner, and GitHub lists it no more: the job is over. */
  DONE("runner gone"),
  /** A retirement claimed it before it got a runner; it is being deleted. */
  RETIRING("retiring"),
  /** GCE stops or deleted it. */
  STOPPED("stopped"),
  /** Its organisation's or repository's runners could not be listed. */
  UNKNOWN("unknown");

  private final String word;

  RunnerState(String word) {
    this.word = word;
  }

  static RunnerState of(Machine vm, Optional<GitHubRunner> runner, boolean runnersRead) {
    if (vm.stopped()) {
      return STOPPED;
    }
    if (runner.isPresent()) {
      GitHubRunner r = runner.get();
      return r.busy() ? BUSY : r.online() ? IDLE : OFFLINE;
    }
    if (!runnersRead) {
      return UNKNOWN;
    }
    if (vm.runnerId().isPresent()) {
      return DONE;
    }
    return vm.retiring() ? RETIRING : BOOTING;
  }

  @Override
  public String toString() {
    return word;
  }
}
