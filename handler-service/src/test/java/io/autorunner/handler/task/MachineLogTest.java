package io.autorunner.handler.task;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.autorunner.common.logging.LogFields;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.testing.Fixtures;
import io.autorunner.handler.vm.BilledShape;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.Requests;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class MachineLogTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final JobRef JOB = new JobRef(4242, 9001, 1, "acme/models", "acme", 555L);

  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(MachineLog.class);

  @BeforeEach
  void capture() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  @Test
  void aDeletedVmLogsItsLifeItsCostAndWhoseJobItRan() {
    Map<String, String> labels = new HashMap<>();
    labels.putAll(
        new BilledShape("n1-standard-8", "nvidia-tesla-t4", 1, 100, "pd-balanced", true).labels());
    labels.put(MachineLabels.SPOT, "true");
    labels.put(MachineLabels.WORKFLOW, "gpu_tests");
    labels.put(MachineLabels.JOB_NAME, "train");
    Machine vm =
        new Machine(
            "ghr-4242-1", "us-central1-a", InstanceStatus.RUNNING, labels, T0, Optional.of(JOB));
    MachineLog log =
        Fixtures.machineLog(Clock.fixed(T0.plus(Duration.ofMinutes(20)), ZoneOffset.UTC));

    log.deleted(vm, "job completed");

    Map<String, Object> fields = fields(lines.list.get(0));
    assertThat(fields)
        .containsEntry(LogFields.EVENT, LogFields.Events.VM_DELETED)
        .containsEntry(LogFields.VM, "ghr-4242-1")
        .containsEntry(LogFields.ZONE, "us-central1-a")
        .containsEntry(LogFields.REASON, "job completed")
        .containsEntry(LogFields.SECONDS_ALIVE, 1200.0)
        .containsEntry(LogFields.COST_USD, new BigDecimal("0.088566"))
        .containsEntry(LogFields.REPOSITORY, "acme/models")
        .containsEntry(LogFields.WORKFLOW, "gpu_tests")
        .containsEntry(LogFields.JOB_NAME, "train")
        .containsEntry(LogFields.JOB_ID, 4242L)
        .containsEntry(LogFields.MACHINE_TYPE, "n1-standard-8")
        .containsEntry(LogFields.GPU_TYPE, "nvidia-tesla-t4")
        .containsEntry(LogFields.SPOT, true);
    assertThat(lines.list.get(0).getFormattedMessage())
        .isEqualTo(
            "VM ghr-4242-1 deleted (job completed) after 1200 s: about 0.088566 USD at us-central1"
                + " prices");
  }

  @Test
  void aVmWhoseLabelsDoNotSayItsShapeIsLoggedWithoutACost() {
    Machine old =
        new Machine(
            "ghr-7-1", "us-central1-b", InstanceStatus.RUNNING, Map.of(), T0, Optional.empty());

    Fixtures.machineLog(Clock.fixed(T0.plusSeconds(90), ZoneOffset.UTC)).deleted(old, "stopped");

    assertThat(fields(lines.list.get(0))).doesNotContainKey(LogFields.COST_USD);
    assertThat(lines.list.get(0).getFormattedMessage()).contains("cost unknown");
  }

  @Test
  void aCreatedVmSaysHowLongItsJobQueuedBeforeTheInsert() {
    MachineLog log = Fixtures.machineLog(Clock.fixed(T0.plusSeconds(42), ZoneOffset.UTC));
    JobStatus queued =
        new JobStatus(4242, "queued", null, null, "train", "GPU Tests", T0.toString());

    log.created(
        Requests.request(Requests.t4Spec()),
        new CreatedMachine("ghr-4242-1", "us-central1-a", true, false),
        Optional.of(queued));

    assertThat(fields(lines.list.get(0)))
        .containsEntry(LogFields.EVENT, LogFields.Events.VM_CREATED)
        .containsEntry(LogFields.QUEUED_TO_INSERT_S, 42.0)
        .containsEntry(LogFields.ZONE, "us-central1-a")
        .containsEntry(LogFields.GPU_COUNT, 1)
        .containsEntry(LogFields.WORKFLOW, "GPU Tests");
  }

  @Test
  void aCreatedVmIsLoggedAsTheChoiceTheSeekerMadeNotTheFirstOneAsked() {
    MachineLog log = Fixtures.machineLog(Clock.fixed(T0, ZoneOffset.UTC));

    log.created(
        Requests.request(Requests.l4Spec()),
        new CreatedMachine(
            "ghr-4242-1",
            "us-central1-b",
            true,
            false,
            "n1-standard-4 with 1x nvidia-tesla-t4 Spot in us-central1-b",
            Requests.t4Spec()),
        Optional.empty());

    assertThat(fields(lines.list.get(0)))
        .containsEntry(LogFields.MACHINE_TYPE, Requests.t4Spec().machineType())
        .containsEntry(LogFields.GPU_TYPE, "nvidia-tesla-t4");
    assertThat(Requests.l4Spec().accelerator().type()).isNotEqualTo("nvidia-tesla-t4");
  }

  private static Map<String, Object> fields(ILoggingEvent event) {
    Map<String, Object> fields = new HashMap<>();
    for (KeyValuePair pair : event.getKeyValuePairs()) {
      fields.put(pair.key, pair.value);
    }
    return fields;
  }
}
