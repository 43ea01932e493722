package io.autorunner.handler.vm.gce;

import com.google.cloud.compute.v1.Instance;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.autorunner.common.naming.Rfc1035Name;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineMetadata;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.RunnerMachines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local default: creates nothing, and writes what it would have created. Each instance becomes
 * {@code {dir}/{name}.json} (the body GCE would receive) and {@code {dir}/{name}.startup.sh} (or
 * {@code .ps1}), readable by the owner only (nothing in them is secret now, but they describe the
 * project's VMs). Created machines are remembered (and re-read from the directory at start) so
 * delete, find and list behave like the real adapter's, idempotency included.
 */
public final class DryRunMachines implements RunnerMachines {

  private static final Logger log = LoggerFactory.getLogger(DryRunMachines.class);

  private static final Pattern ZONE_OF_MACHINE_TYPE =
      Pattern.compile("zones/([^/]+)/machineTypes/");

  private final Path dir;
  private final InstanceFactory factory;
  private final GceProperties gce;
  private final Clock clock;
  private final Map<String, Machine> machines = new LinkedHashMap<>();

  public DryRunMachines(Path dir, InstanceFactory factory, GceProperties gce) {
    this(dir, factory, gce, Clock.systemUTC());
  }

  DryRunMachines(Path dir, InstanceFactory factory, GceProperties gce, Clock clock) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.gce = Objects.requireNonNull(gce, "gce");
    this.clock = Objects.requireNonNull(clock, "clock");
    createDirectory();
    readExisting();
  }

  @Override
  public synchronized CreatedMachine create(MachineRequest request) {
    String name = checkName(request.name());
    Machine known = machines.get(name);
    if (known != null) {
      log.info("DRY-RUN: VM {} already exists in {}; nothing to create", name, known.zone());
      return new CreatedMachine(name, known.zone(), known.spot(), true);
    }
    String zone = request.spec().zone() != null ? request.spec().zone() : gce.zones().get(0);
    boolean spot = request.spec().spot();
    Instance instance = factory.instance(request, zone, spot);
    String script =
        request.spec().os() == OperatingSystem.WINDOWS
            ? name + ".startup.ps1"
            : name + ".startup.sh";
    try {
      write(dir.resolve(name + ".json"), JsonFormat.printer().print(instance));
      write(dir.resolve(script), request.startupScript());
    } catch (IOException e) {
      throw new UncheckedIOException("DRY-RUN: cannot write instance " + name + " to " + dir, e);
    }
    machines.put(name, machine(instance, zone, clock.instant()));
    log.info(
        "DRY-RUN: would insert {} {} in {}; wrote {} and {} (nothing was created)",
        spot ? "Spot" : "standard",
        name,
        zone,
        dir.resolve(name + ".json"),
        dir.resolve(script));
    return new CreatedMachine(name, zone, spot, false);
  }

  @Override
  public synchronized boolean delete(String name) {
    checkName(name);
    Machine removed = machines.remove(name);
    try {
      for (String suffix : List.of(".json", ".startup.sh", ".startup.ps1")) {
        Files.deleteIfExists(dir.resolve(name + suffix));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("DRY-RUN: cannot delete the files of " + name, e);
    }
    if (removed == null) {
      log.info("DRY-RUN: VM {} not found; nothing to delete", name);
      return false;
    }
    log.info("DRY-RUN: would delete {} from {}; removed its files", name, removed.zone());
    return true;
  }

  @Override
  public synchronized Optional<Machine> find(String name) {
    return Optional.ofNullable(machines.get(checkName(name)));
  }

  @Override
  public synchronized List<Machine> list() {
    return machines.values().stream().sorted(Comparator.comparing(Machine::name)).toList();
  }

  /** Labels change in memory only, with the fingerprint rule GCE applies. */
  @Override
  public synchronized boolean relabel(Machine vm, Map<String, String> added) {
    Machine known = machines.get(checkName(vm.name()));
    if (known == null || !known.labelFingerprint().equals(vm.labelFingerprint())) {
      return false;
    }
    Map<String, String> labels = new LinkedHashMap<>(known.labels());
    labels.putAll(added);
    machines.put(
        known.name(),
        new Machine(
            known.name(),
            known.zone(),
            known.status(),
            labels,
            known.created(),
            known.job(),
            known.instanceId(),
            Integer.toHexString(labels.hashCode()),
            known.runnerLabels(),
            known.poolScope(),
            known.shape()));
    log.info("DRY-RUN: would set labels {} on {}", added.keySet(), known.name());
    return true;
  }

  /** Nothing runs, so nothing is preempted. */
  @Override
  public boolean wasPreempted(String name) {
    return false;
  }

  private static String checkName(String name) {
    // RFC 1035 also keeps a name from escaping the directory.
    if (!Rfc1035Name.matches(name)) {
      throw new IllegalArgumentException("not a GCE instance name: " + name);
    }
    return name;
  }

  private static Machine machine(Instance instance, String zone, Instant created) {
    return new Machine(
        instance.getName(),
        zone,
        InstanceStatus.RUNNING,
        instance.getLabelsMap(),
        created,
        InstanceReader.jobOf(instance),
        "",
        Integer.toHexString(instance.getLabelsMap().hashCode()),
        List.of(),
        MachineMetadata.poolScopeOf(InstanceReader.readable(instance)),
        InstanceReader.shapeOf(instance));
  }

  private boolean posix() {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private void createDirectory() {
    try {
      if (!Files.isDirectory(dir)) {
        if (posix()) {
          Files.createDirectories(
              dir,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("DRY-RUN: cannot create " + dir, e);
    }
  }

  /** Writes an owner-only temporary file moved into place: never half a file, never shared. */
  private void write(Path target, String content) throws IOException {
    FileAttribute<?>[] ownerOnly =
        posix()
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            }
            : new FileAttribute<?>[0];
    Path temp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp", ownerOnly);
    try {
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Remembers the instances an earlier run wrote, so a restart does not forget them. */
  private void readExisting() {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path file : files) {
        try {
          Instance.Builder instance = Instance.newBuilder();
          JsonFormat.parser()
              .ignoringUnknownFields()
              .merge(Files.readString(file, StandardCharsets.UTF_8), instance);
          Matcher zone = ZONE_OF_MACHINE_TYPE.matcher(instance.getMachineType());
          if (!Rfc1035Name.matches(instance.getName()) || !zone.find()) {
            continue;
          }
          Instant created = Files.getLastModifiedTime(file).toInstant();
          machines.put(instance.getName(), machine(instance.build(), zone.group(1), created));
        } catch (InvalidProtocolBufferException e) {
          log.warn("DRY-RUN: {} is not an instance written by dry-run; ignored", file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("DRY-RUN: cannot read " + dir, e);
    }
    if (!machines.isEmpty()) {
      log.info("DRY-RUN: remembered {} instance(s) from {}", machines.size(), dir);
    }
  }
}
