package io.autorunner.handler.task;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.pool.PendingCreates;
import io.autorunner.handler.pool.Pool;
import io.autorunner.handler.pool.PoolPlan;
import io.autorunner.handler.pool.Pools;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.HandoutAddress;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each warm pool at what it wants now ({@link PoolPlan}): makes the missing VMs, under the
 * same cap as every create (checked before and after each insert, the loser taking its VM back),
 * and retires the surplus, the recycled and, outside the schedule, all ready ones, without killing
 * a job ({@link MachineRetirement}). Called by each sweep, after a pool VM's job completed, and
 * when a job took a pool runner; any number of these may overlap: they plan alike and GCE lets one
 * insert have each name.
 */
public final class PoolTopUp {

  private static final Logger log = LoggerFactory.getLogger(PoolTopUp.class);

  /** What one pass did. */
  public record Result(
      String pool, List<String> created, Map<String, String> retired, List<String> problems) {

    public Result {
      created = List.copyOf(created);
      retired = Map.copyOf(retired);
      problems = List.copyOf(problems);
    }

    @Override
    public String toString() {
      return "pool "
          + pool
          + ": created "
          + created
          + ", retired "
          + retired.keySet()
          + (problems.isEmpty() ? "" : ", problems " + problems);
    }
  }

  private final Pools pools;
  private final RunnerMachines machines;
  private final RunnerRegistry github;
  private final StartupScripts scripts;
  private final HandoutAddress handout;
  private final InstanceCap cap;
  private final InstanceNaming naming;
  private final MachineRetirement retirement;
  private final LifecycleCounters counters;
  private final MachineLog machineLog;
  private final PendingCreates pending;
  private final Clock clock;

  /**
   * How long a job's create may hold its mark for the refill to wait on ({@link #creating}): longer
   * than a walk over every zone takes; a mark its create could not end lapses then.
   */
  public static final Duration PENDING_FOR = Duration.ofMinutes(5);

  public PoolTopUp(
      Pools pools,
      RunnerMachines machines,
      RunnerRegistry github,
      StartupScripts scripts,
      HandoutAddress handout,
      int maxInstances,
      InstanceNaming naming,
      LifecycleCounters counters,
      MachineLog machineLog,
      PendingCreates pending,
      Clock clock) {
    this.pools = pools;
    this.machines = machines;
    this.github = github;
    this.scripts = scripts;
    this.handout = handout;
    this.cap = new InstanceCap(maxInstances);
    this.naming = naming;
    this.retirement = new MachineRetirement(machines, github);
    this.counters = counters;
    this.machineLog = machineLog;
    this.pending = pending;
    this.clock = clock;
  }

  public Pools pools() {
    return pools;
  }

  /** Keeps every pool, reading GCE and GitHub itself. */
  public List<Result> keepAll() {
    List<Result> results = new ArrayList<>();
    if (pools.isEmpty()) {
      return results;
    }
    List<Machine> listed = machines.list();
    for (Pool pool : pools.all()) {
      results.add(keep(pool, listed));
    }
    return results;
  }

  /** Keeps one pool, reading GCE and GitHub itself. */
  public Result keep(Pool pool) {
    return keep(pool, machines.list());
  }

  private Result keep(Pool pool, List<Machine> listed) {
    Map<String, GitHubRunner> runners = new LinkedHashMap<>();
    try {
      github.listRunners(pool.scope()).forEach(r -> runners.put(r.name(), r));
    } catch (GitHubException e) {
      // Without the runners a busy VM looks ready: make nothing, retire nothing.
      return new Result(
          pool.name(), List.of(), Map.of(), List.of("list runners: " + e.getMessage()));
    }
    return keep(pool, listed, runners);
  }

  /** Keeps one pool from what a sweep read. */
  public Result keep(Pool pool, List<Machine> listed, Map<String, GitHubRunner> runners) {
    PoolPlan plan = PoolPlan.of(pool, listed, runners, naming, clock.instant());
    List<String> problems = new ArrayList<>();
    Map<String, String> retired = new LinkedHashMap<>();
    plan.retire()
        .forEach(
            (vm, why) -> {
              try {
                if (retirement.retire(vm, Optional.ofNullable(runners.get(vm.name())), false)
                    == MachineRetirement.Result.DELETED) {
                  counters.deleted();
                  machineLog.deleted(vm, why);
                  retired.put(vm.name(), why);
                }
              } catch (ComputeException | GitHubException e) {
                problems.add(vm.name() + ": retire: " + e.getMessage());
              }
            });
    List<String> created = new ArrayList<>();
    List<Machine> current = new ArrayList<>(listed);
    for (String name : plan.create()) {
      Optional<String> full = cap.full(current);
      if (full.isPresent()) {
        problems.add("at capacity: " + full.get());
        break;
      }
      try {
        Optional<List<Machine>> after = make(pool, name);
        if (after.isPresent()) {
          created.add(name);
          current = after.get();
        }
      } catch (ComputeException | GitHubException | IllegalStateException e) {
        problems.add(name + ": create: " + e.getMessage());
        break;
      }
    }
    Result result = new Result(pool.name(), created, retired, problems);
    if (!created.isEmpty() || !retired.isEmpty() || !problems.isEmpty()) {
      log.info("{}", result);
    }
    return result;
  }

  /**
   * One pool VM; when it was made and stays (not over the cap), the listing that showed it may,
   * which the next place is then counted against.
   */
  private Optional<List<Machine>> make(Pool pool, String name) {
    String script = scripts.render(pool.spec(), name);
    MachineRequest request =
        MachineRequest.forPool(
            name,
            pool.spec(),
            new MachineRequest.PoolMember(pool.name(), pool.scope()),
            handout,
            script);
    CreatedMachine made = machines.create(request);
    if (made.alreadyExisted()) {
      return Optional.empty(); // another top-up counted the same gap and made it
    }
    counters.created();
    machineLog.created(request, made, Optional.empty());
    List<Machine> after = machines.list();
    Optional<String> over = cap.overflowing(name, after);
    if (over.isPresent()) {
      Optional<Machine> own =
          after.stream()
              .filter(vm -> vm.name().equals(name))
              .findFirst()
              .or(() -> machines.find(name));
      if (own.isPresent()
          && retirement.retire(own.get(), Optional.empty(), false)
              == MachineRetirement.Result.DELETED) {
        counters.deleted();
        machineLog.deleted(own.get(), "over the cap");
      }
      throw new IllegalStateException("VM " + name + " was one too many (" + over.get() + ")");
    }
    log.info("pool {}: VM {} made in {}", pool.name(), name, made.zone());
    return Optional.of(after);
  }

  /**
   * A job's VM named {@code vm}, whose runner is to register with {@code runnerLabels}, is being
   * made: if a pool could adopt it, every instance is told so until the returned mark is closed (or
   * {@link #PENDING_FOR} has passed), so that a refill for its job waits for it ({@link
   * #beingCreated}). Without a pool it fits, nothing is written.
   */
  public PendingCreates.Mark creating(String vm, List<String> runnerLabels) {
    if (pools.all().stream().noneMatch(pool -> pool.fits(runnerLabels))) {
      return () -> {};
    }
    return pending.begin(vm, clock.instant().plus(PENDING_FOR));
  }

  /** True while a create of the job VM {@code vm} is under way on some instance. */
  public boolean beingCreated(String vm) {
    return pending.pending(vm, clock.instant());
  }

  /**
   * A job took a runner of {@code pool}: the VM made for that job, still without a job of its own
   * to run, becomes the pool's refill if its runner fits the pool. Recorded with the label
   * fingerprint it was read with, so a retirement racing it wins or loses whole.
   */
  public boolean adopt(Pool pool, Machine vm) {
    if (vm.pool().isPresent()
        || vm.retiring()
        || vm.stopped()
        || !pool.fits(vm.runnerLabels())
        || !vm.runnerScope()
            .map(RunnerOwnership::scope)
            .equals(Optional.of(RunnerOwnership.scope(pool.scope())))) {
      return false;
    }
    boolean adopted = machines.relabel(vm, Map.of(MachineLabels.POOL, pool.name()));
    if (adopted) {
      log.info("pool {}: adopted VM {} as its refill", pool.name(), vm.name());
    }
    return adopted;
  }
}
