package io.autorunner.handler.reconcile;

import io.autorunner.common.task.RepositoryRef;
import java.util.List;

/**
 * What the reconciler reads besides VMs and runners, each from GitHub itself so that no instance's
 * memory is needed: where lost jobs may wait, webhooks GitHub failed to deliver, and whether the
 * runner groups still admit only the allow-listed repositories.
 */
public interface SweepSources {

  /**
   * Repositories to sweep for queued jobs nobody serves (as one job of each, to reach them on
   * GitHub): the App installation's repositories, the allow-listed and the configured ones.
   */
  List<RepositoryRef> repositories();

  /**
   * True when {@link #repositories} named every repository our runners can serve (the App's
   * installations, listed in full): then a job not queued in any of them is not waiting for us.
   */
  default boolean coversEveryRepository() {
    return false;
  }

  /** Redelivers failed {@code workflow_job} deliveries of the last hours; says what it did. */
  String redeliverFailedWebhooks();

  /** Checks (and corrects) each organisation's runner group; one line per organisation. */
  List<String> checkRunnerGroups();

  /**
   * Runs one sweep and says what its GitHub calls cost (calls made, of them answered 304, rate
   * limit left); empty when not measured.
   */
  default String measured(Runnable sweep) {
    sweep.run();
    return "";
  }

  /** Sweeps only the VMs' own repositories and does nothing else: tests and token-less setups. */
  static SweepSources none() {
    return new SweepSources() {
      @Override
      public List<RepositoryRef> repositories() {
        return List.of();
      }

      @Override
      public String redeliverFailedWebhooks() {
        return "not available";
      }

      @Override
      public List<String> checkRunnerGroups() {
        return List.of();
      }
    };
  }
}
