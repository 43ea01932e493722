package io.autorunner.handler.vm.gce;

import com.google.cloud.compute.v1.Duration;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstanceParams;
import com.google.cloud.compute.v1.ReservationAffinity;
import com.google.cloud.compute.v1.Scheduling;
import io.autorunner.common.policy.MachineFamilies;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.MachineRequest;

/**
 * A VM with Flex-start provisioning: GCE holds the request up to {@code
 * autorunner.gce.flex-start-wait} until capacity frees up; the VM then runs at most its max run
 * duration (Flex-start's limit is 7 days) and is deleted, never stopped, consuming no reservation.
 * Only for the accelerator-optimised families that offer it.
 */
final class FlexStart {

  private FlexStart() {}

  /** G2, A2 and A3 machines can be had with Flex-start. */
  static boolean supports(String machineType) {
    String family = MachineFamilies.familyOf(machineType);
    return family.equals("g2") || family.equals("a2") || family.equals("a3");
  }

  /** The VM {@code factory} builds as Spot in {@code zone}, asked for with Flex-start instead. */
  static Instance instance(
      InstanceFactory factory, GceProperties gce, MachineRequest request, String zone) {
    if (!supports(request.spec().machineType())) {
      throw new ComputeException.Permanent(
          "VM " + request.name() + ": " + request.spec().machineType() + " has no Flex-start",
          null);
    }
    Instance spot = factory.instance(request, zone, true);
    return spot.toBuilder()
        .setScheduling(
            spot.getScheduling().toBuilder()
                .setProvisioningModel(Scheduling.ProvisioningModel.FLEX_START.name()))
        .setReservationAffinity(
            ReservationAffinity.newBuilder()
                .setConsumeReservationType(
                    ReservationAffinity.ConsumeReservationType.NO_RESERVATION.name()))
        .setParams(
            InstanceParams.newBuilder()
                .setRequestValidForDuration(
                    Duration.newBuilder().setSeconds(gce.flexStartWait().toSeconds())))
        .putLabels(MachineLabels.SPOT, "false")
        .putLabels(MachineLabels.PROVISIONING, "flex-start")
        .build();
  }
}
