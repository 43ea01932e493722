package io.autorunner.testkit.gce;

import io.autorunner.testkit.fault.Delay;
import io.autorunner.testkit.fault.Faults;
import io.autorunner.testkit.fault.Timeline;
import io.autorunner.testkit.http.JsonServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A fake Compute Engine on loopback speaking the REST subset that google-cloud-compute's {@code
 * InstancesClient} uses: instances insert, get, delete, list and aggregatedList (with filters), and
 * zone operations get, list and wait; and of {@code RegionInstancesClient} and {@code
 * RegionsClient}: a region's bulk insert of one VM, its operation, and {@code regions.get} ({@link
 * RegionEndpoints}). It keeps state over time: an inserted instance is PROVISIONING, then STAGING,
 * then RUNNING after {@link #setBootDelay}; insert operations are RUNNING until {@link
 * #setOperationDelay} has passed, then DONE; a deleted instance is STOPPING for {@link
 * #setDeleteDelay}, then gone. Creation timestamps strictly increase, and {@link #lifetimes} keeps
 * when every instance lived. Faults come on demand and all methods are thread-safe.
 *
 * <p>Point the client at {@link #baseUrl()} with {@code
 * InstancesSettings.newBuilder().setEndpoint(baseUrl).setCredentialsProvider(NoCredentialsProvider.create())}.
 *
 * <p>This class is the fake's face; behind it: {@link ComputeState} (what exists), {@link
 * VmLifecycle} (what happens over time), the faults ({@link RequestFaults}, {@link CapacityFaults})
 * and the endpoints ({@link InstanceEndpoints}, {@link InstanceListEndpoints}, {@link
 * OperationEndpoints}, {@link ControlEndpoints}).
 */
public final class FakeComputeEngine implements AutoCloseable {

  static final String API = "/compute/v1/projects/([^/]+)";

  /** The path prefix of the fake's own control endpoints (see {@link #preempt}). */
  public static final String CONTROL = "/_fake";

  private final JsonServer server;
  private final Timeline clock = new Timeline("fake-gce-clock");
  private final ComputeState state = new ComputeState();
  private final CapacityFaults capacity = new CapacityFaults();
  private final Faults faults = new Faults(42);
  private final Delay bootDelay = new Delay(Duration.ofMillis(300));
  private final Delay operationDelay = new Delay(Duration.ofMillis(100));
  private final Delay deleteDelay = new Delay(Duration.ofMillis(200));
  private final Delay insertLatency = new Delay(Duration.ZERO);
  private final VmLifecycle lifecycle =
      new VmLifecycle(state, clock, bootDelay, operationDelay, deleteDelay, insertLatency);
  private final RequestFaults requestFaults = new RequestFaults(faults);
  private final MetadataServer metadata;

  /** Starts on a free loopback port. */
  public FakeComputeEngine() {
    this(0);
  }

  /** Starts on {@code port} of 127.0.0.1 (0 for a free one). */
  public FakeComputeEngine(int port) {
    this.server =
        new JsonServer(
            "fake-gce",
            port,
            message -> GceFormat.error(400, "invalid", message),
            what ->
                GceFormat.error(404, "notFound", "The requested URL " + what + " was not found."));
    server.filter(requestFaults::filter);
    String zone = API + "/zones/([^/]+)";
    new InstanceEndpoints(state, capacity, lifecycle).routes(server, zone);
    new InstanceListEndpoints(state).routes(server, API, zone);
    new OperationEndpoints(state).routes(server, zone);
    String region = API + "/regions/([^/]+)";
    new RegionEndpoints(state, capacity, lifecycle).routes(server, region);
    new OperationEndpoints(state).routes(server, region);
    new ControlEndpoints(this).routes(server);
    this.metadata = new MetadataServer(state, server.baseUrl());
    metadata.routes(server);
  }

  /** What each VM's metadata server answers: its identity tokens, and the keys that sign them. */
  public MetadataServer metadataServer() {
    return metadata;
  }

  /** setLabels calls refused with {@code conditionNotMet} (a stale label fingerprint). */
  public int staleRelabelCount() {
    return state.staleRelabels.get();
  }

  /** {@code http://127.0.0.1:PORT}: the endpoint to give the client. */
  public URI baseUrl() {
    return server.baseUrl();
  }

  // ---------------------------------------------------------------- timing and faults

  /** Time from insert to RUNNING (STAGING at half of it). */
  public void setBootDelay(Duration delay) {
    bootDelay.set(delay);
  }

  /**
   * Time an insert operation stays RUNNING before it is DONE: slow operations. Deletes take {@link
   * #setDeleteDelay}.
   */
  public void setOperationDelay(Duration delay) {
    operationDelay.set(delay);
  }

  /**
   * Time an insert request (zonal or bulk) takes before GCE accepts it and lists its instance; none
   * by default. A create is then under way while no VM of its name exists yet.
   */
  public void setInsertLatency(Duration delay) {
    insertLatency.set(delay);
  }

  /**
   * Time a delete takes: the instance is STOPPING until its delete operation is DONE, and a second
   * delete meanwhile answers 400 {@code resourceNotReady}, as GCE does.
   */
  public void setDeleteDelay(Duration delay) {
    deleteDelay.set(delay);
  }

  /** The seed of the random faults, for reproducible runs. */
  public void setSeed(long seed) {
    faults.seed(seed);
  }

  /** The next {@code count} API requests (any method) answer 503 backendError. */
  public void failNextRequests(int count) {
    faults.failNext(count);
  }

  /** Each API request answers 503 with this probability (0 turns it off). */
  public void failRandomly(double probability) {
    faults.failRandomly(probability);
  }

  /** Inserts of GPU instances in {@code zone} finish with ZONE_RESOURCE_POOL_EXHAUSTED. */
  public void exhaustGpuCapacity(String zone) {
    capacity.exhaustGpu(zone);
  }

  /** Every insert in {@code zone} finishes with ZONE_RESOURCE_POOL_EXHAUSTED. */
  public void exhaustCapacity(String zone) {
    capacity.exhaustAll(zone);
  }

  public void restoreCapacity(String zone) {
    capacity.restore(zone);
  }

  /**
   * Inserts (only GPU ones when {@code gpuOnly}) finish with QUOTA_EXCEEDED naming {@code metric}
   * and {@code limit}, e.g. {@code NVIDIA_T4_GPUS} and 0, until {@link #clearQuotaFault()}.
   */
  public void exceedQuota(String metric, double limit, boolean gpuOnly) {
    capacity.exceedQuota(metric, limit, gpuOnly);
  }

  public void clearQuotaFault() {
    capacity.clearQuota();
  }

  // ---------------------------------------------------------------- what a VM does by itself

  /** Called (on a listener thread) each time an instance reaches RUNNING. */
  public void onRunning(Consumer<FakeInstance> listener) {
    lifecycle.onRunning(listener);
  }

  /** Called (on a listener thread) when an instance disappears: deleted or preempted. */
  public void onGone(Consumer<FakeInstance> listener) {
    lifecycle.onGone(listener);
  }

  /**
   * Spot preemption with {@code instanceTerminationAction=DELETE}: the instance disappears and a
   * {@code compute.instances.preempted} operation records it. False when there is no such VM.
   */
  public boolean preempt(String name) {
    return lifecycle.preempt(name);
  }

  /**
   * The VM's own shutdown (its script powers off when the runner exits): TERMINATED until deleted.
   */
  public boolean powerOff(String name) {
    return lifecycle.powerOff(name);
  }

  // ---------------------------------------------------------------- state for assertions

  /** The instances that exist now (any status), oldest first. */
  public List<FakeInstance> instances() {
    return state.instancesNow();
  }

  /** The instance of that name in any zone, if it exists. */
  public Optional<FakeInstance> instance(String name) {
    return state.instanceNamed(name);
  }

  /**
   * Every insert the fake accepted (also those that then failed for capacity or quota), in order.
   */
  public List<FakeInstance> inserted() {
    return state.insertedSoFar();
  }

  /**
   * Instances actually created (inserts without a capacity or quota failure), as inserted, in
   * order; deleted ones included.
   */
  public List<FakeInstance> created() {
    return state.createdSoFar();
  }

  /**
   * Every instance ever created (not the inserts that failed for capacity or quota), oldest first:
   * when it was inserted and when it disappeared, so a test can tell how many VMs lived at once.
   */
  public List<VmLifetime> lifetimes() {
    return state.lifetimes();
  }

  public int deleteCount() {
    return state.deletes.get();
  }

  public int preemptionCount() {
    return state.preemptions.get();
  }

  public int requestCount() {
    return requestFaults.requests();
  }

  /** Requests answered 503 by {@link #failNextRequests} or {@link #failRandomly}. */
  public int injectedFailureCount() {
    return requestFaults.injected();
  }

  @Override
  public void close() {
    server.close();
    clock.close();
    lifecycle.close();
  }
}
