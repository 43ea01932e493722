package io.autorunner.handler.vm.gce;

import com.google.cloud.compute.v1.AcceleratorConfig;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.Items;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineMetadata;
import io.autorunner.handler.vm.MachineShape;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a GCE {@link Instance} as the port's {@link Machine}. */
final class InstanceReader {

  private static final Logger log = LoggerFactory.getLogger(InstanceReader.class);

  /** VMs already warned about, so a sweep every minute does not repeat the same warning. */
  private final Set<String> undated = ConcurrentHashMap.newKeySet();

  /**
   * The VM as listed at {@code listedAt}.
   *
   * <p>GCE stamps every instance with its creation time when it accepts the insert. Should the
   * stamp ever be missing or unreadable, the VM reads as created when it was listed: young. Judged
   * old instead, a VM still booting could be deleted by the reconciler, or keep its place under the
   * cap ahead of VMs made earlier; young, it stays inside its boot window and ranks last for the
   * cap. The price is that such a VM is never deleted for its age alone (GCE's max-run-duration
   * still ends it); the warning, logged once per VM, is how an operator hears of it.
   */
  Machine machine(Instance instance, Instant listedAt) {
    return new Machine(
        instance.getName(),
        lastSegment(instance.getZone()),
        InstanceStatus.of(instance.getStatus()),
        instance.getLabelsMap(),
        created(instance).orElseGet(() -> undated(instance.getName(), listedAt)),
        jobOf(instance),
        instance.hasId() ? Long.toUnsignedString(instance.getId()) : "",
        instance.getLabelFingerprint(),
        MachineMetadata.runnerLabelsOf(readable(instance)),
        MachineMetadata.poolScopeOf(readable(instance)),
        shapeOf(instance));
  }

  /**
   * The machine type and GPUs, from their URLs' last segments. autorunner attaches one kind of GPU
   * at most; should a VM carry several, the first kind is read and the counts of all are added.
   */
  static MachineShape shapeOf(Instance instance) {
    String type = lastSegment(instance.getMachineType());
    if (type.isEmpty()) {
      return MachineShape.UNKNOWN;
    }
    String gpu = "";
    int gpus = 0;
    for (AcceleratorConfig accelerator : instance.getGuestAcceleratorsList()) {
      if (accelerator.getAcceleratorCount() > 0) {
        gpu = gpu.isEmpty() ? lastSegment(accelerator.getAcceleratorType()) : gpu;
        gpus += accelerator.getAcceleratorCount();
      }
    }
    return gpu.isEmpty() ? MachineShape.of(type) : new MachineShape(type, gpu, gpus);
  }

  /** The metadata keys autorunner writes to be read back, and only those. */
  static Map<String, String> readable(Instance instance) {
    Map<String, String> items = new HashMap<>();
    for (Items item : instance.getMetadata().getItemsList()) {
      if (MachineMetadata.isJobKey(item.getKey())) {
        items.put(item.getKey(), item.getValue());
      }
    }
    return items;
  }

  /** Reads only the metadata keys autorunner writes to be read back. */
  static Optional<JobRef> jobOf(Instance instance) {
    return MachineMetadata.jobOf(readable(instance));
  }

  /** GCE's RFC 3339 creation stamp; empty when missing or not readable. */
  private static Optional<Instant> created(Instance instance) {
    String rfc3339 = instance.getCreationTimestamp();
    if (rfc3339.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(rfc3339).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private Instant undated(String name, Instant listedAt) {
    if (undated.add(name)) {
      log.warn(
          "VM {} has no readable creationTimestamp; read as created when listed ({}), so it is"
              + " never deleted for its age alone",
          name,
          listedAt);
    }
    return listedAt;
  }

  private static String lastSegment(String url) {
    return url.substring(url.lastIndexOf('/') + 1);
  }
}
