package io.autorunner.testkit.github;

import io.autorunner.testkit.gce.FakeInstance;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a fake VM's startup script works around its request for a runner config, once its
 * instance is RUNNING: the guest's boot and the installs before the request, then the installs
 * after the answer and the runner's connection until it is online. The request itself is real (the
 * handler answers it over loopback), so it is no part of either.
 */
@FunctionalInterface
public interface GuestBoot {

  /** The two waits of this VM's script; called once per VM, when it is RUNNING. */
  Timing timing(FakeInstance vm);

  /**
   * @param untilConfigRequest from RUNNING to the request for its runner config
   * @param untilOnline from the config's arrival to the runner being online
   */
  record Timing(Duration untilConfigRequest, Duration untilOnline) {
    public Timing {
      Objects.requireNonNull(untilConfigRequest, "untilConfigRequest");
      Objects.requireNonNull(untilOnline, "untilOnline");
      if (untilConfigRequest.isNegative() || untilOnline.isNegative()) {
        throw new IllegalArgumentException("a boot takes no negative time");
      }
    }
  }
}
