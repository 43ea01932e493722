package io.autorunner.handler.vm.gce;

import com.google.cloud.compute.v1.ListZoneOperationsRequest;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.ZoneOperationsClient;

/**
 * The operations GCE keeps in a zone, of one type: they outlive their VMs, so a preemption and a
 * stock-out can be read from them after the fact, by every handler instance alike.
 */
final class ZoneOperationLists {

  private ZoneOperationLists() {}

  /** Every operation of {@code type} in the zone, filtered by type on the server, all pages. */
  static Iterable<Operation> ofType(
      ZoneOperationsClient operations, String project, String zone, String type) {
    return operations
        .list(
            ListZoneOperationsRequest.newBuilder()
                .setProject(project)
                .setZone(zone)
                .setFilter("operationType = \"" + type + "\"")
                .build())
        .iterateAll();
  }
}
