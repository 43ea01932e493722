package io.autorunner.testkit.boot;

import static io.autorunner.testkit.boot.BootPhase.APT_UPDATE;
import static io.autorunner.testkit.boot.BootPhase.BAKE_CHECKS;
import static io.autorunner.testkit.boot.BootPhase.DOCKER_INSTALL;
import static io.autorunner.testkit.boot.BootPhase.GUEST_BOOT;
import static io.autorunner.testkit.boot.BootPhase.NVIDIA_DRIVER;
import static io.autorunner.testkit.boot.BootPhase.NVIDIA_TOOLKIT;
import static io.autorunner.testkit.boot.BootPhase.PROVISIONING;
import static io.autorunner.testkit.boot.BootPhase.RUNNER_CONNECT;
import static io.autorunner.testkit.boot.BootPhase.RUNNER_DEPENDENCIES;
import static io.autorunner.testkit.boot.BootPhase.RUNNER_DOWNLOAD;
import static io.autorunner.testkit.boot.BootPhase.WINDOWS_BOOT;

import io.autorunner.testkit.gce.FakeComputeEngine;
import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.GuestBoot;
import io.autorunner.testkit.github.VmBoot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A runner VM's life on a compressed clock: each {@link BootPhase} takes its real duration divided
 * by the compression, and the bootstrap's phases follow what {@code bootstrap/linux/startup.sh}
 * does on the VM's image ({@link BootImage}): base packages and Docker, on GPU VMs the driver when
 * the image has none and the container toolkit, then (after the runner config request) the runner
 * release and its dependencies, all skipped on a baked image. What is real in the fakes (the
 * services' own work, the handler's answer to the config request) runs in real time, and {@link
 * #realWorld} scales back only what was compressed.
 */
public final class BootModel implements GuestBoot {

  private final int compression;

  /**
   * @param compression real seconds per simulated second, e.g. 20
   */
  public BootModel(int compression) {
    if (compression < 1 || compression > 1000) {
      throw new IllegalArgumentException("compression must be 1-1000, not " + compression);
    }
    this.compression = compression;
  }

  public int compression() {
    return compression;
  }

  /**
   * The fake Compute Engine boots in the compressed {@link BootPhase#PROVISIONING}; VMs' scripts as
   * {@link #plan}.
   */
  public void applyTo(FakeComputeEngine gce, FakeGitHub github) {
    gce.setBootDelay(simulated(PROVISIONING.real()));
    github.setGuestBoot(this);
  }

  /** What this VM's startup script does, from its image and whether it has a GPU. */
  public BootPlan plan(FakeInstance vm) {
    BootImage image = BootImage.of(vm);
    List<BootPhase> before = new ArrayList<>();
    List<BootPhase> after = new ArrayList<>();
    if (image.windows()) {
      before.add(WINDOWS_BOOT);
      if (!image.baked()) {
        after.add(RUNNER_DOWNLOAD);
      }
      after.add(RUNNER_CONNECT);
      return new BootPlan(before, after, image.baked());
    }
    before.add(GUEST_BOOT);
    if (image.baked()) {
      before.add(BAKE_CHECKS);
    } else {
      before.add(APT_UPDATE);
      before.add(DOCKER_INSTALL);
      if (vm.hasGpu()) {
        if (!image.nvidiaDriver()) {
          before.add(NVIDIA_DRIVER);
        }
        before.add(NVIDIA_TOOLKIT);
      }
      after.add(RUNNER_DOWNLOAD);
      after.add(RUNNER_DEPENDENCIES);
    }
    after.add(RUNNER_CONNECT);
    return new BootPlan(before, after, image.baked());
  }

  @Override
  public Timing timing(FakeInstance vm) {
    BootPlan plan = plan(vm);
    return new Timing(
        simulated(BootPlan.sum(plan.beforeConfig())), simulated(BootPlan.sum(plan.afterConfig())));
  }

  /** A real duration on this model's clock. */
  public Duration simulated(Duration real) {
    return real.dividedBy(compression);
  }

  /**
   * The real-world length of {@code from..to} measured in the simulation while it waited on the VM
   * {@code boot} (or on none: null). Three stretches of that VM's boot ran on this model's clock:
   * its insert to RUNNING, RUNNING to its config request, the config's arrival to its runner
   * online. Of each, the planned wait counts {@code compression} times and whatever the fakes'
   * threads took beyond it counts as measured, spread evenly over the stretch; the rest of the
   * interval (the services' own work, the handler's answer) counts as measured.
   */
  public Duration realWorld(Instant from, Instant to, VmBoot boot) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("the interval ends before it starts");
    }
    double nanos = Duration.between(from, to).toNanos();
    if (boot != null) {
      nanos += extra(from, to, boot.inserted(), boot.running(), simulated(PROVISIONING.real()));
      nanos +=
          extra(
              from, to, boot.running(), boot.configRequested(), boot.timing().untilConfigRequest());
      nanos += extra(from, to, boot.configReceived(), boot.online(), boot.timing().untilOnline());
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  /** What the part of {@code start..end} inside {@code from..to} adds when scaled back. */
  private double extra(Instant from, Instant to, Instant start, Instant end, Duration planned) {
    if (start == null || end == null || !end.isAfter(start)) {
      return 0;
    }
    double actual = Duration.between(start, end).toNanos();
    double model = Math.min(actual, planned.toNanos());
    Instant lo = from.isAfter(start) ? from : start;
    Instant hi = to.isBefore(end) ? to : end;
    if (!hi.isAfter(lo)) {
      return 0;
    }
    double inside = Duration.between(lo, hi).toNanos();
    return inside * (model / actual) * (compression - 1);
  }
}
