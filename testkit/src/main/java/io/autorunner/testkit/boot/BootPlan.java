package io.autorunner.testkit.boot;

import java.time.Duration;
import java.util.List;

/**
 * What one VM's startup script does, as the bootstrap decides it from the image: the phases before
 * its request for a runner config (after the instance is RUNNING) and those after the answer.
 *
 * @param baked whether the image is one the bake made (its marker present)
 */
public record BootPlan(List<BootPhase> beforeConfig, List<BootPhase> afterConfig, boolean baked) {

  public BootPlan {
    beforeConfig = List.copyOf(beforeConfig);
    afterConfig = List.copyOf(afterConfig);
  }

  /** Insert → runner online on real Compute Engine, the handler's answer aside. */
  public Duration real() {
    return BootPhase.PROVISIONING.real().plus(sum(beforeConfig)).plus(sum(afterConfig));
  }

  static Duration sum(List<BootPhase> phases) {
    return phases.stream().map(BootPhase::real).reduce(Duration.ZERO, Duration::plus);
  }
}
