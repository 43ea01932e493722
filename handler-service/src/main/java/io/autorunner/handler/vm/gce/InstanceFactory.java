package io.autorunner.handler.vm.gce;

import com.google.cloud.compute.v1.AcceleratorConfig;
import com.google.cloud.compute.v1.AccessConfig;
import com.google.cloud.compute.v1.AttachedDisk;
import com.google.cloud.compute.v1.AttachedDiskInitializeParams;
import com.google.cloud.compute.v1.Duration;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.Items;
import com.google.cloud.compute.v1.Metadata;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.Scheduling;
import com.google.cloud.compute.v1.ServiceAccount;
import io.autorunner.common.policy.MachineFamilies;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.MachineMetadata;
import io.autorunner.handler.vm.MachineRequest;
import java.util.List;
import java.util.Objects;

/**
 * Builds the GCE {@link Instance} of a machine request: a pure function of the request, the zone,
 * the provisioning model and the configuration, one small method per part. No client, no I/O.
 */
public final class InstanceFactory {

  /** The only scope a configured service account gets; its IAM roles are what bound it. */
  static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

  static final String LINUX_STARTUP_SCRIPT = "startup-script";
  static final String WINDOWS_STARTUP_SCRIPT = "windows-startup-script-ps1";

  private final GceProperties gce;
  private final PolicyProperties policy;

  public InstanceFactory(GceProperties gce, PolicyProperties policy) {
    this.gce = Objects.requireNonNull(gce, "gce");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * The instance to insert in {@code zone}.
   *
   * @param spot Spot provisioning, or standard (a job's {@code spot=false}, or the fallback when
   *     Spot capacity is out)
   * @throws ComputeException.Permanent when the spec names an image alias not configured here, or
   *     asks for a standard VM where {@code autorunner.policy.allow-standard=false}
   */
  public Instance instance(MachineRequest request, String zone, boolean spot) {
    if (!spot && !standardAllowed()) {
      // The label policy and the fallbacks already keep to Spot; this is the line no path crosses.
      throw new ComputeException.Permanent(
          "VM "
              + request.name()
              + ": a standard VM, which autorunner.policy.allow-standard=false forbids",
          null);
    }
    RunnerSpec spec = request.spec();
    return Instance.newBuilder()
        .setName(request.name())
        .setDescription(description(request))
        .setMachineType(machineType(spec, zone))
        .addDisks(bootDisk(spec, zone))
        .addNetworkInterfaces(networkInterface(zone))
        .addAllServiceAccounts(serviceAccounts())
        .setScheduling(scheduling(spot))
        .addAllGuestAccelerators(accelerators(spec, zone))
        .putAllLabels(InstanceLabels.of(request, spot, gce.diskType()))
        .setMetadata(metadata(request))
        .build();
  }

  /** {@code us-central1} of {@code us-central1-a}. */
  static String regionOf(String zone) {
    int dash = zone.lastIndexOf('-');
    return dash > 0 ? zone.substring(0, dash) : zone;
  }

  /**
   * False when {@code autorunner.policy.allow-standard=false}: this factory builds Spot VMs only.
   */
  public boolean standardAllowed() {
    return policy.allowStandard();
  }

  /** The image a spec boots: its alias if it names one, else the default of its OS and GPU. */
  public String sourceImage(RunnerSpec spec) {
    if (spec.imageAlias() != null) {
      String image = policy.imageAliases().get(spec.imageAlias());
      if (image == null) {
        // The scheduler checked the alias against its own configuration; this one may differ.
        throw new ComputeException.Permanent(
            "image alias \"" + spec.imageAlias() + "\" is not configured in the handler", null);
      }
      return image;
    }
    if (spec.os() == OperatingSystem.WINDOWS) {
      return gce.windowsImage();
    }
    return spec.hasGpu() ? gce.gpuImage() : gce.cpuImage();
  }

  private static String description(MachineRequest request) {
    return request
            .job()
            .map(job -> "GitHub Actions runner for " + job.repository() + " job " + job.jobId())
            .orElseGet(
                () ->
                    "GitHub Actions runner of warm pool "
                        + request.pool().orElseThrow().pool()
                        + " for "
                        + request.pool().orElseThrow().scope())
        + " (autorunner)";
  }

  private static String machineType(RunnerSpec spec, String zone) {
    return "zones/" + zone + "/machineTypes/" + spec.machineType();
  }

  private AttachedDisk bootDisk(RunnerSpec spec, String zone) {
    return AttachedDisk.newBuilder()
        .setBoot(true)
        .setAutoDelete(true)
        .setInitializeParams(
            AttachedDiskInitializeParams.newBuilder()
                .setSourceImage(sourceImage(spec))
                .setDiskSizeGb(spec.diskGb())
                .setDiskType("zones/" + zone + "/diskTypes/" + gce.diskType()))
        .build();
  }

  /**
   * A subnetwork is regional: with zones in several regions, {@code {region}} in {@code
   * autorunner.gce.subnetwork} becomes the zone's region.
   */
  private NetworkInterface networkInterface(String zone) {
    NetworkInterface.Builder nic = NetworkInterface.newBuilder().setNetwork(gce.network());
    if (notBlank(gce.subnetwork())) {
      nic.setSubnetwork(gce.subnetwork().replace("{region}", regionOf(zone)));
    }
    if (gce.externalIp()) {
      nic.addAccessConfigs(
          AccessConfig.newBuilder()
              .setName("External NAT")
              .setType(AccessConfig.Type.ONE_TO_ONE_NAT.name()));
    }
    return nic.build();
  }

  /**
   * No entry at all by default: an instance without a service account has no token on its metadata
   * server, so a job cannot act as the project's default compute account.
   */
  private List<ServiceAccount> serviceAccounts() {
    if (!notBlank(gce.serviceAccount())) {
      return List.of();
    }
    return List.of(
        ServiceAccount.newBuilder()
            .setEmail(gce.serviceAccount())
            .addScopes(CLOUD_PLATFORM_SCOPE)
            .build());
  }

  /**
   * Spot or standard, both with a run-time limit whose action is DELETE: the hard cap no bug can
   * outlive. GPUs cannot live-migrate, so host maintenance terminates and nothing restarts (Spot
   * requires the same).
   */
  private Scheduling scheduling(boolean spot) {
    Scheduling.ProvisioningModel model =
        spot ? Scheduling.ProvisioningModel.SPOT : Scheduling.ProvisioningModel.STANDARD;
    return Scheduling.newBuilder()
        .setProvisioningModel(model.name())
        .setInstanceTerminationAction(Scheduling.InstanceTerminationAction.DELETE.name())
        .setMaxRunDuration(Duration.newBuilder().setSeconds(gce.maxRunDuration().toSeconds()))
        .setOnHostMaintenance(Scheduling.OnHostMaintenance.TERMINATE.name())
        .setAutomaticRestart(false)
        .build();
  }

  /** Accelerator-optimised families (g2, a2, a3) come with their GPUs; naming them again fails. */
  private static List<AcceleratorConfig> accelerators(RunnerSpec spec, String zone) {
    if (!spec.hasGpu() || MachineFamilies.attachesGpusItself(spec.machineType())) {
      return List.of();
    }
    return List.of(
        AcceleratorConfig.newBuilder()
            .setAcceleratorType("zones/" + zone + "/acceleratorTypes/" + spec.accelerator().type())
            .setAcceleratorCount(spec.accelerator().count())
            .build());
  }

  /**
   * The startup script under the key its OS's guest agent runs, the job, and where the VM asks for
   * its runner. Nothing here is secret: anyone who may read instances reads it.
   */
  private static Metadata metadata(MachineRequest request) {
    String scriptKey =
        request.spec().os() == OperatingSystem.WINDOWS
            ? WINDOWS_STARTUP_SCRIPT
            : LINUX_STARTUP_SCRIPT;
    Metadata.Builder metadata =
        Metadata.newBuilder()
            .addItems(item(scriptKey, request.startupScript()))
            // Project-wide SSH keys would let every key holder of the project into job VMs.
            .addItems(item("block-project-ssh-keys", "true"));
    request
        .job()
        .map(MachineMetadata::of)
        .orElseGet(() -> MachineMetadata.ofPool(request.pool().orElseThrow().scope()))
        .forEach((key, value) -> metadata.addItems(item(key, value)));
    MachineMetadata.boot(request.spec().labels(), request.handout())
        .forEach((key, value) -> metadata.addItems(item(key, value)));
    return metadata.build();
  }

  private static Items item(String key, String value) {
    return Items.newBuilder().setKey(key).setValue(value).build();
  }

  private static boolean notBlank(String value) {
    return value != null && !value.isBlank();
  }
}
