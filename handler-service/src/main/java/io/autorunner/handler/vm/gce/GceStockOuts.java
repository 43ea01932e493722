package io.autorunner.handler.vm.gce;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.handler.vm.StockOuts;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Stock-outs read from the insert operations GCE keeps in each zone we place VMs in: those that
 * finished with {@code ZONE_RESOURCE_POOL_EXHAUSTED} (as {@link GceFailure} reads it) for a VM of
 * ours. Filtered by type on the server; by time, error and name here (the list filter cannot
 * combine those with a type).
 */
public final class GceStockOuts implements StockOuts, AutoCloseable {

  private final GceProperties gce;
  private final ZoneOperationsClient operations;
  private final InstanceNaming naming;

  public GceStockOuts(GceProperties gce, ZoneOperationsClient operations, InstanceNaming naming) {
    this.gce = Objects.requireNonNull(gce, "gce");
    this.operations = Objects.requireNonNull(operations, "operations");
    this.naming = Objects.requireNonNull(naming, "naming");
  }

  @Override
  public List<StockOut> since(Instant since) {
    List<StockOut> found = new ArrayList<>();
    try {
      for (String zone : gce.zones()) {
        for (Operation op : ZoneOperationLists.ofType(operations, gce.project(), zone, "insert")) {
          stockOut(op, zone, since).ifPresent(found::add);
        }
      }
    } catch (ApiException e) {
      throw GceFailure.of(e).toException("list insert operations");
    }
    found.sort(Comparator.comparing(StockOut::at).reversed());
    return List.copyOf(found);
  }

  @Override
  public void close() {
    operations.close();
  }

  private Optional<StockOut> stockOut(Operation op, String zone, Instant since) {
    if (!op.hasError() || op.getError().getErrorsCount() == 0) {
      return Optional.empty();
    }
    String target = op.getTargetLink();
    String vm = target.substring(target.lastIndexOf('/') + 1);
    Optional<Instant> at = instant(op.hasEndTime() ? op.getEndTime() : op.getInsertTime());
    if (!naming.isOurs(vm) || at.isEmpty() || at.get().isBefore(since)) {
      return Optional.empty();
    }
    GceFailure failure = GceFailure.of(op);
    if (failure.verdict() != GceFailure.Verdict.NO_CAPACITY) {
      return Optional.empty();
    }
    return Optional.of(new StockOut(zone, vm, at.get(), failure.text()));
  }

  private static Optional<Instant> instant(String rfc3339) {
    try {
      return Optional.of(OffsetDateTime.parse(rfc3339).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
