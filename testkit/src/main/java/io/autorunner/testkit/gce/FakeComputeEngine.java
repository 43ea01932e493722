package io.autorunner.testkit.gce;

import io.autorunner.testkit.fault.Delay;
import io.autorunner.testkit.fault.Faults;
import io.autorunner.testkit.fault.Timeline;
import io.autorunner.testkit.http.BadRequest;
import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake Compute Engine on loopback speaking the REST subset that google-cloud-compute's {@code
 * InstancesClient} uses: instances insert, get, delete, list and aggregatedList (with filters), and
 * zone operations get, list and wait. It keeps state over time: an inserted instance is
 * PROVISIONING, then STAGING, then RUNNING after {@link #setBootDelay}; insert operations are
 * RUNNING until {@link #setOperationDelay} has passed, then DONE; a deleted instance is STOPPING
 * for {@link #setDeleteDelay}, then gone. Creation timestamps strictly increase, and {@link
 * #lifetimes} keeps when every instance lived. Faults come on demand and all methods are
 * thread-safe.
 *
 * <p>Point the client at {@link #baseUrl()} with {@code
 * InstancesSettings.newBuilder().setEndpoint(baseUrl).setCredentialsProvider(NoCredentialsProvider.create())}.
 */
public final class FakeComputeEngine implements AutoCloseable {

  private static final System.Logger log = System.getLogger(FakeComputeEngine.class.getName());

  static final String API = "/compute/v1/projects/([^/]+)";
  static final String LINK_ROOT = "https://www.googleapis.com/compute/v1/projects/";

  /** The path prefix of the fake's own control endpoints (see {@link #preempt}). */
  public static final String CONTROL = "/_fake";

  private static final Duration WAIT_LIMIT = Duration.ofMinutes(2);
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

  private final JsonServer server;
  private final Timeline clock = new Timeline("fake-gce-clock");
  private final ExecutorService listeners;
  private final Object lock = new Object();

  // Guarded by lock.
  private final Map<String, Vm> instances = new LinkedHashMap<>();
  private final Map<String, Op> operations = new LinkedHashMap<>();
  private final Set<String> knownZones = new HashSet<>();
  private final Set<String> zonesOutOfGpu = new HashSet<>();
  private final Set<String> zonesOutOfAll = new HashSet<>();
  private final List<FakeInstance> inserted = new ArrayList<>();
  private final List<FakeInstance> created = new ArrayList<>();
  private final List<Vm> lived = new ArrayList<>();
  private Instant lastCreation = Instant.EPOCH;
  private QuotaFault quota;

  private final Faults faults = new Faults(42);
  private final Delay bootDelay = new Delay(Duration.ofMillis(300));
  private final Delay operationDelay = new Delay(Duration.ofMillis(100));
  private final Delay deleteDelay = new Delay(Duration.ofMillis(200));

  private final List<Consumer<FakeInstance>> runningListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<FakeInstance>> goneListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong(4_000_000_000_000_000_000L);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger injectedFailures = new AtomicInteger();
  private final AtomicInteger deletes = new AtomicInteger();
  private final AtomicInteger preemptions = new AtomicInteger();

  private record QuotaFault(String metric, double limit, boolean gpuOnly) {}

  /** Starts on a free loopback port. */
  public FakeComputeEngine() {
    this(0);
  }

  /** Starts on {@code port} of 127.0.0.1 (0 for a free one). */
  public FakeComputeEngine(int port) {
    this.listeners = Executors.newSingleThreadExecutor(r -> daemon(r, "fake-gce-listeners"));
    this.server =
        new JsonServer(
            "fake-gce",
            port,
            message -> error(400, "invalid", message),
            what -> error(404, "notFound", "The requested URL " + what + " was not found."));
    server.filter(this::faults);
    String zone = API + "/zones/([^/]+)";
    server.route("POST", zone + "/instances", this::insert);
    server.route("GET", zone + "/instances", this::listZone);
    server.route("GET", zone + "/instances/([^/]+)", this::get);
    server.route("DELETE", zone + "/instances/([^/]+)", this::delete);
    server.route("GET", API + "/aggregated/instances", this::aggregatedList);
    server.route("GET", zone + "/operations", this::listOperations);
    server.route("GET", zone + "/operations/([^/]+)", this::getOperation);
    server.route("POST", zone + "/operations/([^/]+)/wait", this::waitOperation);
    // Control endpoints for manual runs of the program (no GCE equivalent).
    server.route(
        "POST",
        CONTROL + "/instances/([^/]+)/preempt",
        r -> preempt(r.param(0)) ? Response.empty(204) : notFound("-", "-", r.param(0)));
    server.route("GET", CONTROL + "/state", r -> Response.json(200, state()));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
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
    synchronized (lock) {
      zonesOutOfGpu.add(zone);
    }
  }

  /** Every insert in {@code zone} finishes with ZONE_RESOURCE_POOL_EXHAUSTED. */
  public void exhaustCapacity(String zone) {
    synchronized (lock) {
      zonesOutOfAll.add(zone);
    }
  }

  public void restoreCapacity(String zone) {
    synchronized (lock) {
      zonesOutOfGpu.remove(zone);
      zonesOutOfAll.remove(zone);
    }
  }

  /**
   * Inserts (only GPU ones when {@code gpuOnly}) finish with QUOTA_EXCEEDED naming {@code metric}
   * and {@code limit}, e.g. {@code NVIDIA_T4_GPUS} and 0, until {@link #clearQuotaFault()}.
   */
  public void exceedQuota(String metric, double limit, boolean gpuOnly) {
    synchronized (lock) {
      quota = new QuotaFault(Objects.requireNonNull(metric), limit, gpuOnly);
    }
  }

  public void clearQuotaFault() {
    synchronized (lock) {
      quota = null;
    }
  }

  // ---------------------------------------------------------------- what a VM does by itself

  /** Called (on a listener thread) each time an instance reaches RUNNING. */
  public void onRunning(Consumer<FakeInstance> listener) {
    runningListeners.add(Objects.requireNonNull(listener));
  }

  /** Called (on a listener thread) when an instance disappears: deleted or preempted. */
  public void onGone(Consumer<FakeInstance> listener) {
    goneListeners.add(Objects.requireNonNull(listener));
  }

  /**
   * Spot preemption with {@code instanceTerminationAction=DELETE}: the instance disappears and a
   * {@code compute.instances.preempted} operation records it. False when there is no such VM.
   */
  public boolean preempt(String name) {
    FakeInstance gone;
    synchronized (lock) {
      Vm vm = find(name);
      if (vm == null) {
        return false;
      }
      instances.remove(vm.key());
      vm.status = "GONE";
      vm.preempted = true;
      vm.gone = Instant.now();
      Op op = newOp(vm.project, vm.zone, "compute.instances.preempted", vm);
      op.status = "DONE";
      op.endTime = Instant.now();
      op.statusMessage = "Instance was preempted.";
      gone = vm.snapshot();
    }
    preemptions.incrementAndGet();
    log.log(System.Logger.Level.INFO, "preempted {0}", name);
    notify(goneListeners, gone);
    return true;
  }

  /**
   * The VM's own shutdown (its script powers off when the runner exits): TERMINATED until deleted.
   */
  public boolean powerOff(String name) {
    synchronized (lock) {
      Vm vm = find(name);
      if (vm == null || "STOPPING".equals(vm.status)) {
        return false;
      }
      vm.status = "TERMINATED";
      return true;
    }
  }

  // ---------------------------------------------------------------- state for assertions

  /** The instances that exist now (any status), oldest first. */
  public List<FakeInstance> instances() {
    synchronized (lock) {
      return instances.values().stream().map(Vm::snapshot).toList();
    }
  }

  /** The instance of that name in any zone, if it exists. */
  public Optional<FakeInstance> instance(String name) {
    synchronized (lock) {
      return Optional.ofNullable(find(name)).map(Vm::snapshot);
    }
  }

  /**
   * Every insert the fake accepted (also those that then failed for capacity or quota), in order.
   */
  public List<FakeInstance> inserted() {
    synchronized (lock) {
      return List.copyOf(inserted);
    }
  }

  /**
   * Instances actually created (inserts without a capacity or quota failure), as inserted, in
   * order; deleted ones included.
   */
  public List<FakeInstance> created() {
    synchronized (lock) {
      return List.copyOf(created);
    }
  }

  /**
   * Every instance ever created (not the inserts that failed for capacity or quota), oldest first:
   * when it was inserted and when it disappeared, so a test can tell how many VMs lived at once.
   */
  public List<VmLifetime> lifetimes() {
    synchronized (lock) {
      return lived.stream().map(Vm::lifetime).toList();
    }
  }

  public int deleteCount() {
    return deletes.get();
  }

  public int preemptionCount() {
    return preemptions.get();
  }

  public int requestCount() {
    return requests.get();
  }

  /** Requests answered 503 by {@link #failNextRequests} or {@link #failRandomly}. */
  public int injectedFailureCount() {
    return injectedFailures.get();
  }

  private Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    List<FakeInstance> now = instances();
    state.put(
        "instances", now.stream().map(i -> i.zone() + "/" + i.name() + " " + i.status()).toList());
    state.put("created", created().size());
    state.put("deleted", deleteCount());
    state.put("preempted", preemptionCount());
    state.put("injected_failures", injectedFailureCount());
    return state;
  }

  // ---------------------------------------------------------------- REST

  private Response faults(Request request) {
    if (request.path().startsWith(CONTROL + "/")) {
      return null;
    }
    requests.incrementAndGet();
    if (!faults.requestFails()) {
      return null;
    }
    injectedFailures.incrementAndGet();
    return error(503, "backendError", "The service is currently unavailable.");
  }

  private Response insert(Request request) {
    String project = request.param(0);
    String zone = request.param(1);
    JsonNode body = request.json();
    String name = body.path("name").asString("");
    if (!name.matches("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?")) {
      return error(
          400,
          "invalid",
          "Invalid value for field 'resource.name': '"
              + name
              + "'. Must be a match of regex"
              + " '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'");
    }
    Op op;
    synchronized (lock) {
      knownZones.add(zone);
      String key = key(project, zone, name);
      if (instances.containsKey(key)) {
        return error(
            409,
            "alreadyExists",
            "The resource 'projects/"
                + project
                + "/zones/"
                + zone
                + "/instances/"
                + name
                + "' already exists");
      }
      Vm vm = new Vm(project, zone, name, ids.incrementAndGet(), body.deepCopy(), nextCreation());
      inserted.add(vm.snapshot());
      op = newOp(project, zone, "insert", vm);
      String[] failure = insertFailure(zone, vm);
      if (failure != null) {
        op.errorCode = failure[0];
        op.errorMessage = failure[1];
        op.httpErrorStatusCode = Integer.parseInt(failure[2]);
        op.httpErrorMessage = failure[3];
      } else {
        instances.put(key, vm);
        created.add(vm.snapshot());
        lived.add(vm);
        scheduleBoot(vm);
      }
      scheduleDone(op, operationDelay);
      return Response.json(200, op.json());
    }
  }

  /**
   * The creation time of the next instance: now to the millisecond, and later than every earlier
   * one, so callers can order instances by {@code creationTimestamp} even when two inserts land in
   * the same millisecond.
   */
  private Instant nextCreation() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    lastCreation = now.isAfter(lastCreation) ? now : lastCreation.plusMillis(1);
    return lastCreation;
  }

  /** The error an insert's operation ends with, or null: {code, message, http status, text}. */
  private String[] insertFailure(String zone, Vm vm) {
    boolean gpu = hasGpu(vm.resource);
    if (zonesOutOfAll.contains(zone) || (gpu && zonesOutOfGpu.contains(zone))) {
      return new String[] {
        "ZONE_RESOURCE_POOL_EXHAUSTED",
        "The zone 'projects/"
            + vm.project
            + "/zones/"
            + zone
            + "' does not have enough resources"
            + " available to fulfill the request.  Try a different zone, or try again later.",
        "503",
        "SERVICE UNAVAILABLE"
      };
    }
    if (quota != null && (gpu || !quota.gpuOnly())) {
      String region = zone.contains("-") ? zone.substring(0, zone.lastIndexOf('-')) : zone;
      return new String[] {
        "QUOTA_EXCEEDED",
        "Quota '"
            + quota.metric()
            + "' exceeded.  Limit: "
            + quota.limit()
            + " in region "
            + region
            + ".",
        "403",
        "FORBIDDEN"
      };
    }
    return null;
  }

  private void scheduleBoot(Vm vm) {
    long total = bootDelay.get().toMillis();
    clock.after(Duration.ofMillis(total / 2), () -> transition(vm, "PROVISIONING", "STAGING"));
    clock.after(
        Duration.ofMillis(total),
        () -> {
          if (transition(vm, "STAGING", "RUNNING")) {
            FakeInstance running;
            synchronized (lock) {
              running = vm.snapshot();
            }
            notify(runningListeners, running);
          }
        });
  }

  private boolean transition(Vm vm, String from, String to) {
    synchronized (lock) {
      if (!from.equals(vm.status) || instances.get(vm.key()) != vm) {
        return false;
      }
      vm.status = to;
      return true;
    }
  }

  private void scheduleDone(Op op, Delay delay) {
    clock.after(delay, () -> finish(op));
  }

  private void finish(Op op) {
    FakeInstance gone = null;
    synchronized (lock) {
      if ("delete".equals(op.type)) {
        Vm vm = instances.get(key(op.project, op.zone, op.target));
        if (vm != null && vm.id == op.targetId) {
          instances.remove(vm.key());
          vm.status = "GONE";
          vm.gone = Instant.now();
          gone = vm.snapshot();
        }
      }
      op.status = "DONE";
      op.progress = 100;
      op.endTime = Instant.now();
      lock.notifyAll();
    }
    if (gone != null) {
      notify(goneListeners, gone);
    }
  }

  private Response get(Request request) {
    synchronized (lock) {
      Vm vm = instances.get(key(request.param(0), request.param(1), request.param(2)));
      if (vm == null) {
        return notFound(request.param(0), request.param(1), request.param(2));
      }
      return Response.json(200, vm.json());
    }
  }

  private Response delete(Request request) {
    String project = request.param(0);
    String zone = request.param(1);
    String name = request.param(2);
    synchronized (lock) {
      Vm vm = instances.get(key(project, zone, name));
      if (vm == null) {
        return notFound(project, zone, name);
      }
      if (vm.deleting) {
        return error(
            400,
            "resourceNotReady",
            "The resource 'projects/"
                + project
                + "/zones/"
                + zone
                + "/instances/"
                + name
                + "' is not ready");
      }
      vm.status = "STOPPING";
      vm.deleting = true;
      deletes.incrementAndGet();
      Op op = newOp(project, zone, "delete", vm);
      scheduleDone(op, deleteDelay);
      return Response.json(200, op.json());
    }
  }

  private Response listZone(Request request) {
    String project = request.param(0);
    String zone = request.param(1);
    List<Vm> matching = matching(request, vm -> vm.project.equals(project) && vm.zone.equals(zone));
    Page page = page(request, matching);
    ObjectNode body = JsonServer.JSON.createObjectNode();
    body.put("kind", "compute#instanceList");
    body.put("id", "projects/" + project + "/zones/" + zone + "/instances");
    ArrayNode items = body.putArray("items");
    page.items().forEach(vm -> items.add(vm.json()));
    if (page.next() != null) {
      body.put("nextPageToken", page.next());
    }
    body.put("selfLink", LINK_ROOT + project + "/zones/" + zone + "/instances");
    return Response.json(200, body);
  }

  private Response aggregatedList(Request request) {
    String project = request.param(0);
    List<Vm> matching = matching(request, vm -> vm.project.equals(project));
    Page page = page(request, matching);
    Map<String, List<Vm>> byZone = new TreeMap<>();
    synchronized (lock) {
      knownZones.forEach(zone -> byZone.put(zone, new ArrayList<>()));
    }
    page.items().forEach(vm -> byZone.computeIfAbsent(vm.zone, z -> new ArrayList<>()).add(vm));
    ObjectNode body = JsonServer.JSON.createObjectNode();
    body.put("kind", "compute#instanceAggregatedList");
    body.put("id", "projects/" + project + "/aggregated/instances");
    ObjectNode items = body.putObject("items");
    byZone.forEach(
        (zone, vms) -> {
          ObjectNode scope = items.putObject("zones/" + zone);
          if (vms.isEmpty()) {
            // What GCE answers for a scope with nothing in it.
            ObjectNode warning = scope.putObject("warning");
            warning.put("code", "NO_RESULTS_ON_PAGE");
            warning.put(
                "message", "There are no results for scope 'zones/" + zone + "' on this page.");
            ObjectNode data = warning.putArray("data").addObject();
            data.put("key", "scope");
            data.put("value", "zones/" + zone);
          } else {
            ArrayNode list = scope.putArray("instances");
            vms.forEach(vm -> list.add(vm.json()));
          }
        });
    if (page.next() != null) {
      body.put("nextPageToken", page.next());
    }
    body.put("selfLink", LINK_ROOT + project + "/aggregated/instances");
    body.putArray("unreachables");
    return Response.json(200, body);
  }

  private List<Vm> matching(Request request, java.util.function.Predicate<Vm> scope) {
    InstanceFilter filter;
    try {
      filter = InstanceFilter.parse(request.query().get("filter"));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("Invalid value for field 'filter': " + e.getMessage());
    }
    synchronized (lock) {
      return instances.values().stream()
          .filter(scope)
          .filter(vm -> filter.matches(vm.json()))
          .sorted(Comparator.comparing((Vm vm) -> vm.zone).thenComparing(vm -> vm.name))
          .toList();
    }
  }

  private record Page(List<Vm> items, String next) {}

  /** maxResults (default 500) and an opaque pageToken, which here is the offset. */
  private static Page page(Request request, List<Vm> all) {
    int max = 500;
    int offset = 0;
    try {
      max = Integer.parseInt(request.query().getOrDefault("maxResults", "500"));
      String token = request.query().get("pageToken");
      offset = token == null || token.isEmpty() ? 0 : Integer.parseInt(token);
    } catch (NumberFormatException e) {
      throw new BadRequest("Invalid value for maxResults or pageToken");
    }
    if (max <= 0 || max > 500) {
      max = 500;
    }
    int end = Math.min(all.size(), offset + max);
    List<Vm> items = offset >= all.size() ? List.of() : all.subList(offset, end);
    return new Page(items, end < all.size() ? Integer.toString(end) : null);
  }

  private Response getOperation(Request request) {
    synchronized (lock) {
      Op op = operations.get(opKey(request.param(0), request.param(1), request.param(2)));
      if (op == null) {
        return operationNotFound(request);
      }
      return Response.json(200, op.json());
    }
  }

  /** Like GCE: returns when the operation is DONE or after two minutes, whichever comes first. */
  private Response waitOperation(Request request) {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    synchronized (lock) {
      Op op = operations.get(opKey(request.param(0), request.param(1), request.param(2)));
      if (op == null) {
        return operationNotFound(request);
      }
      try {
        while (!"DONE".equals(op.status)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Response.json(200, op.json());
    }
  }

  private Response listOperations(Request request) {
    String project = request.param(0);
    String zone = request.param(1);
    InstanceFilter filter;
    try {
      filter = InstanceFilter.parse(request.query().get("filter"));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("Invalid value for field 'filter': " + e.getMessage());
    }
    ObjectNode body = JsonServer.JSON.createObjectNode();
    body.put("kind", "compute#operationList");
    body.put("id", "projects/" + project + "/zones/" + zone + "/operations");
    ArrayNode items = body.putArray("items");
    synchronized (lock) {
      operations.values().stream()
          .filter(op -> op.project.equals(project) && op.zone.equals(zone))
          .map(Op::json)
          .filter(filter::matches)
          .forEach(items::add);
    }
    body.put("selfLink", LINK_ROOT + project + "/zones/" + zone + "/operations");
    return Response.json(200, body);
  }

  private Response operationNotFound(Request request) {
    return error(
        404,
        "notFound",
        "The resource 'projects/"
            + request.param(0)
            + "/zones/"
            + request.param(1)
            + "/operations/"
            + request.param(2)
            + "' was not found");
  }

  private static Response notFound(String project, String zone, String name) {
    return error(
        404,
        "notFound",
        "The resource 'projects/"
            + project
            + "/zones/"
            + zone
            + "/instances/"
            + name
            + "' was not found");
  }

  /**
   * Google's error body: {@code {"error":{"code","message","errors":[{message,domain,reason}]}}}.
   */
  static Response error(int status, String reason, String message) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("message", message);
    detail.put("domain", "global");
    detail.put("reason", reason);
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", status);
    error.put("message", message);
    error.put("errors", List.of(detail));
    return Response.json(status, Map.of("error", error));
  }

  // ---------------------------------------------------------------- internals

  private Vm find(String name) {
    for (Vm vm : instances.values()) {
      if (vm.name.equals(name)) {
        return vm;
      }
    }
    return null;
  }

  private Op newOp(String project, String zone, String type, Vm target) {
    Op op = new Op(project, zone, type, target, ids.incrementAndGet());
    operations.put(opKey(project, zone, op.name), op);
    return op;
  }

  private void notify(List<Consumer<FakeInstance>> targets, FakeInstance instance) {
    for (Consumer<FakeInstance> listener : targets) {
      listeners.execute(
          () -> {
            try {
              listener.accept(instance);
            } catch (RuntimeException e) {
              log.log(System.Logger.Level.WARNING, "a fake-gce listener failed", e);
            }
          });
    }
  }

  static boolean hasGpu(JsonNode resource) {
    for (JsonNode accelerator : resource.path("guestAccelerators")) {
      if (accelerator.path("acceleratorCount").asInt(0) > 0) {
        return true;
      }
    }
    String type = resource.path("machineType").asString("");
    String family = type.substring(type.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return family.startsWith("g2-")
        || family.startsWith("a2-")
        || family.startsWith("a3-")
        || family.startsWith("a4-");
  }

  private static String key(String project, String zone, String name) {
    return project + "/" + zone + "/" + name;
  }

  private static String opKey(String project, String zone, String name) {
    return project + "/" + zone + "/" + name;
  }

  static String timestamp(Instant instant) {
    return RFC3339.format(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  /** Mutable state of one instance; guarded by the fake's lock. */
  private static final class Vm {
    final String project;
    final String zone;
    final String name;
    final long id;
    final JsonNode resource;
    final Instant created;
    String status = "PROVISIONING";
    boolean preempted;
    boolean deleting;
    Instant gone;

    Vm(String project, String zone, String name, long id, JsonNode resource, Instant created) {
      this.project = project;
      this.zone = zone;
      this.name = name;
      this.id = id;
      this.resource = resource;
      this.created = created;
    }

    String key() {
      return FakeComputeEngine.key(project, zone, name);
    }

    VmLifetime lifetime() {
      return new VmLifetime(project, zone, name, labels(), created, gone, preempted);
    }

    Map<String, String> labels() {
      Map<String, String> labels = new HashMap<>();
      resource
          .path("labels")
          .properties()
          .forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
      return Map.copyOf(labels);
    }

    FakeInstance snapshot() {
      Map<String, String> metadata = new HashMap<>();
      for (JsonNode item : resource.path("metadata").path("items")) {
        metadata.put(item.path("key").asString(""), item.path("value").asString(""));
      }
      return new FakeInstance(
          project,
          zone,
          name,
          id,
          status,
          labels(),
          Map.copyOf(metadata),
          resource,
          created,
          preempted);
    }

    /** The Instance as GCE answers it: the inserted resource plus what the server fills in. */
    ObjectNode json() {
      ObjectNode json = (ObjectNode) resource.deepCopy();
      String zoneLink = LINK_ROOT + project + "/zones/" + zone;
      json.put("kind", "compute#instance");
      json.put("id", Long.toUnsignedString(id));
      json.put("creationTimestamp", timestamp(created));
      json.put("name", name);
      json.put("zone", zoneLink);
      json.put("status", status);
      json.put("selfLink", zoneLink + "/instances/" + name);
      String machineType = resource.path("machineType").asString("");
      if (!machineType.startsWith("https://")) {
        json.put(
            "machineType",
            zoneLink + "/machineTypes/" + machineType.substring(machineType.lastIndexOf('/') + 1));
      }
      if ("TERMINATED".equals(status)) {
        json.put("lastStopTimestamp", timestamp(Instant.now()));
      }
      return json;
    }
  }

  /** Mutable state of one zone operation; guarded by the fake's lock. */
  private static final class Op {
    final String project;
    final String zone;
    final String type;
    final String target;
    final long targetId;
    final long id;
    final String name;
    final Instant inserted = Instant.now();
    String status = "RUNNING";
    int progress;
    Instant endTime;
    String statusMessage;
    String errorCode;
    String errorMessage;
    int httpErrorStatusCode;
    String httpErrorMessage;

    Op(String project, String zone, String type, Vm vm, long id) {
      this.project = project;
      this.zone = zone;
      this.type = type;
      this.target = vm.name;
      this.targetId = vm.id;
      this.id = id;
      // Real names look like operation-1700000000000-5f1e2d3c4b5a6-7a8b9c0d-1e2f3a4b; no ':'
      // (the client joins name, project and zone with ':' to poll).
      this.name =
          "operation-"
              + inserted.toEpochMilli()
              + "-"
              + Long.toHexString(id & 0xffffffffffL)
              + "-"
              + type.replace('.', '-');
    }

    ObjectNode json() {
      String zoneLink = LINK_ROOT + project + "/zones/" + zone;
      ObjectNode json = JsonServer.JSON.createObjectNode();
      json.put("kind", "compute#operation");
      json.put("id", Long.toUnsignedString(id));
      json.put("name", name);
      json.put("zone", zoneLink);
      json.put("operationType", type);
      json.put("targetLink", zoneLink + "/instances/" + target);
      json.put("targetId", Long.toUnsignedString(targetId));
      json.put("status", status);
      json.put("user", "fake@autorunner.test");
      json.put("progress", progress);
      json.put("insertTime", timestamp(inserted));
      json.put("startTime", timestamp(inserted));
      if (endTime != null) {
        json.put("endTime", timestamp(endTime));
      }
      if (statusMessage != null) {
        json.put("statusMessage", statusMessage);
      }
      json.put("selfLink", zoneLink + "/operations/" + name);
      if ("DONE".equals(status) && errorCode != null) {
        ObjectNode error = json.putObject("error");
        ObjectNode item = error.putArray("errors").addObject();
        item.put("code", errorCode);
        item.put("message", errorMessage);
        json.put("httpErrorStatusCode", httpErrorStatusCode);
        json.put("httpErrorMessage", httpErrorMessage);
      }
      return json;
    }
  }

  @Override
  public void close() {
    server.close();
    clock.close();
    listeners.shutdownNow();
  }
}
