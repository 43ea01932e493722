package io.autorunner.handler.vm.gce;

import static io.autorunner.handler.vm.Requests.SCRIPT;
import static io.autorunner.handler.vm.Requests.cpuSpec;
import static io.autorunner.handler.vm.Requests.gce;
import static io.autorunner.handler.vm.Requests.policy;
import static io.autorunner.handler.vm.Requests.request;
import static io.autorunner.handler.vm.Requests.t4Spec;
import static io.autorunner.handler.vm.Requests.windowsSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.cloud.compute.v1.Instance;
import com.google.protobuf.util.JsonFormat;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class DryRunMachinesTest {

  private static final GceProperties GCE = gce(List.of("us-central1-a", "us-central1-b"));
  private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

  @TempDir Path tmp;

  private DryRunMachines machines(Path dir) {
    return new DryRunMachines(
        dir, new InstanceFactory(GCE, policy(Map.of())), GCE, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void writesTheInsertBodyForTheFirstZoneAndTheScript() throws Exception {
    Path dir = tmp.resolve("dry");

    CreatedMachine created = machines(dir).create(request(t4Spec()));

    assertThat(created).isEqualTo(new CreatedMachine("ghr-4242-1", "us-central1-a", true, false));
    Instance.Builder written = Instance.newBuilder();
    JsonFormat.parser().merge(Files.readString(dir.resolve("ghr-4242-1.json")), written);
    assertThat(written.build())
        .isEqualTo(
            new InstanceFactory(GCE, policy(Map.of()))
                .instance(request(t4Spec()), "us-central1-a", true));
    assertThat(Files.readString(dir.resolve("ghr-4242-1.startup.sh"))).isEqualTo(SCRIPT);
  }

  @Test
  void aPinnedZoneAndStandardProvisioningAreWhatIsWritten() throws Exception {
    RunnerSpec pinned =
        new RunnerSpec(
            "e2-standard-4",
            null,
            100,
            null,
            "europe-west4-b",
            false,
            OperatingSystem.LINUX,
            List.of());

    CreatedMachine created = machines(tmp).create(request(pinned));

    assertThat(created.zone()).isEqualTo("europe-west4-b");
    assertThat(created.spot()).isFalse();
    assertThat(Files.readString(tmp.resolve("ghr-4242-1.json")))
        .contains("\"provisioningModel\": \"STANDARD\"")
        .contains("zones/europe-west4-b/machineTypes/e2-standard-4");
  }

  @Test
  void windowsScriptIsWrittenAsPowerShell() throws Exception {
    machines(tmp).create(request("ghrw1", windowsSpec()));

    assertThat(tmp.resolve("ghrw1.startup.ps1")).exists();
    assertThat(tmp.resolve("ghrw1.startup.sh")).doesNotExist();
  }

  @Test
  void filesAndDirectoryAreOwnerOnly() throws Exception {
    Path dir = tmp.resolve("new-dir");

    machines(dir).create(request(cpuSpec()));

    assertThat(Files.getPosixFilePermissions(dir.resolve("ghr-4242-1.startup.sh")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("ghr-4242-1.json")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("ghr-4242-1.json", "ghr-4242-1.startup.sh");
    }
  }

  @Test
  void secondCreateOfANameFindsTheFirst() {
    DryRunMachines machines = machines(tmp);
    machines.create(request(cpuSpec()));

    CreatedMachine again = machines.create(request(t4Spec()));

    assertThat(again).isEqualTo(new CreatedMachine("ghr-4242-1", "us-central1-a", true, true));
    assertThat(machines.list()).hasSize(1);
  }

  @Test
  void findAndListShowRunningMachinesWithTheirLabels() {
    DryRunMachines machines = machines(tmp);
    machines.create(request(cpuSpec()));

    Machine found = machines.find("ghr-4242-1").orElseThrow();

    assertThat(found.status()).isEqualTo(InstanceStatus.RUNNING);
    assertThat(found.zone()).isEqualTo("us-central1-a");
    assertThat(found.created()).isEqualTo(NOW);
    assertThat(found.labels())
        .containsEntry("managed-by", "autorunner")
        .containsEntry("autorunner-job-id", "4242");
    assertThat(machines.list()).containsExactly(found);
    assertThat(machines.find("ghr-1-1")).isEmpty();
  }

  @Test
  void deleteForgetsTheMachineAndRemovesItsFilesOnce() {
    DryRunMachines machines = machines(tmp);
    machines.create(request(cpuSpec()));

    assertThat(machines.delete("ghr-4242-1")).isTrue();
    assertThat(machines.delete("ghr-4242-1")).isFalse();
    assertThat(machines.find("ghr-4242-1")).isEmpty();
    assertThat(tmp.resolve("ghr-4242-1.json")).doesNotExist();
    assertThat(tmp.resolve("ghr-4242-1.startup.sh")).doesNotExist();
  }

  @Test
  void aRestartRemembersWhatAnEarlierRunWrote() {
    machines(tmp).create(request(cpuSpec()));

    DryRunMachines restarted = machines(tmp);

    assertThat(restarted.find("ghr-4242-1")).isPresent();
    assertThat(restarted.create(request(cpuSpec())).alreadyExisted()).isTrue();
  }

  @Test
  void everyLogLineSaysDryRunAndNoneHoldsTheScript() {
    Logger logger = (Logger) LoggerFactory.getLogger(DryRunMachines.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      DryRunMachines machines = machines(tmp);
      machines.create(request(cpuSpec()));
      machines.create(request(cpuSpec()));
      machines.delete("ghr-4242-1");
      machines.delete("ghr-4242-1");
      machines(tmp);
    } finally {
      logger.detachAppender(appender);
    }

    assertThat(appender.list).hasSizeGreaterThanOrEqualTo(4);
    assertThat(appender.list)
        .allSatisfy(
            event ->
                assertThat(event.getFormattedMessage())
                    .startsWith("DRY-RUN")
                    .doesNotContain("SCRIPT-BODY"));
  }

  @Test
  void relabelNeedsTheFingerprintTheVmWasReadWithAsGceDoes() {
    DryRunMachines machines = machines(tmp);
    machines.create(request(cpuSpec()));
    Machine read = machines.find("ghr-4242-1").orElseThrow();

    assertThat(machines.relabel(read, Map.of("autorunner-runner-id", "23"))).isTrue();
    assertThat(machines.relabel(read, Map.of("autorunner-retiring", "true"))).isFalse();

    Machine now = machines.find("ghr-4242-1").orElseThrow();
    assertThat(now.labels())
        .containsEntry("autorunner-runner-id", "23")
        .doesNotContainKey("autorunner-retiring");
    assertThat(now.labelFingerprint()).isNotEqualTo(read.labelFingerprint());
    machines.delete("ghr-4242-1");
    assertThat(machines.relabel(now, Map.of("autorunner-retiring", "true"))).isFalse();
  }

  @Test
  void namesThatCouldLeaveTheDirectoryAreRefused() {
    assertThatThrownBy(() -> machines(tmp).create(request("../etc/passwd", cpuSpec())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> machines(tmp).delete("../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
