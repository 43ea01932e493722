package io.autorunner.testkit.boot;

import java.time.Duration;

/**
 * One step of a runner VM's life from its insert to its runner online, with how long it takes on
 * real Compute Engine and where that figure comes from. The README's table of start latencies lists
 * the same figures; "our estimate" marks the ones no published measurement backs.
 */
public enum BootPhase {

  /** The insert until the instance is RUNNING: Compute Engine finds a host and attaches disks. */
  PROVISIONING(
      10,
      "insert → RUNNING",
      "with GUEST_BOOT the ~25 s from request to SSH measured on ~5,000 GCE VMs of up to 32 vCPUs"
          + " (R. Aboukhalil, 'Move Fast and Break the Cloud', 2018; C. McAnlis measured 41.5 s"
          + " for 2 vCPUs in 2017); the 10/15 split is our estimate"),

  /** RUNNING until the guest agent starts the startup script (kernel, systemd, network). */
  GUEST_BOOT(15, "guest boot until the startup script runs", "see PROVISIONING"),

  /**
   * On a baked image: the marker is read, Docker started, the baked runner moved in (bootstrap's
   * {@code install_docker} and {@code install_runner} with a matching marker).
   */
  BAKE_CHECKS(
      2,
      "baked image: marker, docker start, runner moved in",
      "our estimate (no download" + " or package install; a rename on the same disk)"),

  /** The bootstrap's first {@code apt-get update}, before it installs anything. */
  APT_UPDATE(15, "apt-get update", "our estimate; bootstrap/linux/functions.sh counts 10-30 s"),

  /** git, gnupg and {@code docker.io} with their dependencies ({@code install_docker}). */
  DOCKER_INSTALL(
      25,
      "install git and docker.io",
      "our estimate (~100 MB of .debs from the"
          + " regional Debian mirror, unpacked and configured)"),

  /**
   * The distribution's NVIDIA driver when the image has none that works: DKMS builds the module on
   * Debian, {@code ubuntu-drivers} installs prebuilt ones on Ubuntu; either may reboot once.
   */
  NVIDIA_DRIVER(
      240,
      "install the NVIDIA driver",
      "our estimate (a kernel module built or"
          + " installed, maybe a reboot; Google's own installer, GoogleCloudPlatform/"
          + "compute-gpu-installation, reboots during the install)"),

  /** NVIDIA's repository key, a second {@code apt-get update}, the toolkit, a Docker restart. */
  NVIDIA_TOOLKIT(
      30,
      "install the NVIDIA container toolkit",
      "our estimate (one more apt-get" + " update and ~30 MB of packages)"),

  /** The runner release (~200 MB): download from GitHub, sha256 check, unpack. */
  RUNNER_DOWNLOAD(
      10,
      "download, check and unpack the runner",
      "our estimate (~200 MB at" + " GCE's egress, then tar)"),

  /** The runner's {@code installdependencies.sh} (libicu, libkrb5 and the like via apt). */
  RUNNER_DEPENDENCIES(15, "the runner's installdependencies.sh", "our estimate (a few .debs)"),

  /** Windows Server's boot and its bootstrap until the runner config request. */
  WINDOWS_BOOT(
      150,
      "Windows boot and bootstrap",
      "our estimate; RunsOn publishes < 3 min for a"
          + " cold Windows runner on EC2 (runs-on.com/runners/pools)"),

  /** The runner starts with its JIT config: API schema, OAuth token, session, first long poll. */
  RUNNER_CONNECT(
      4,
      "runner start until online",
      "Depot measured 3.7 s on average for these"
          + " steps across its customers' jobs, p99 39 s (depot.dev/blog/"
          + "reducing-queue-time-with-cached-schemas)");

  private final Duration real;
  private final String what;
  private final String source;

  BootPhase(int realSeconds, String what, String source) {
    this.real = Duration.ofSeconds(realSeconds);
    this.what = what;
    this.source = source;
  }

  /** How long it takes on real Compute Engine. */
  public Duration real() {
    return real;
  }

  public String what() {
    return what;
  }

  /** Where {@link #real} comes from. */
  public String source() {
    return source;
  }
}
