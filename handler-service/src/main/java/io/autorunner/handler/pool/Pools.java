package io.autorunner.handler.pool;

import io.autorunner.common.policy.LabelDecision;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.PoolScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The configured warm pools, checked at start: a pool that cannot work refuses the start. */
public final class Pools {

  /** A pool's name goes into VM names and labels: short, lower case. */
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,11}");

  private static final int MAX_SIZE = 100;

  private final List<Pool> pools;

  public Pools(List<Pool> pools) {
    this.pools = List.copyOf(pools);
  }

  /** No pools. */
  public static Pools none() {
    return new Pools(List.of());
  }

  /**
   * @throws IllegalArgumentException naming the pool and what is wrong with it
   */
  public static Pools of(PoolsProperties properties, LabelPolicy policy, RoutingRules rules) {
    List<Pool> pools = new ArrayList<>();
    for (Map.Entry<String, PoolsProperties.Settings> entry :
        new TreeMap<>(properties.pools()).entrySet()) {
      String name = entry.getKey();
      try {
        pools.add(pool(name, entry.getValue(), policy, rules));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("autorunner.pools." + name + ": " + e.getMessage(), e);
      }
    }
    return new Pools(pools);
  }

  private static Pool pool(
      String name, PoolsProperties.Settings settings, LabelPolicy policy, RoutingRules rules) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a pool name is 1-12 lower-case letters or digits");
    }
    if (settings.size() < 0 || settings.size() > MAX_SIZE) {
      throw new IllegalArgumentException("size must be 0 to " + MAX_SIZE);
    }
    if (settings.labels().isEmpty()) {
      throw new IllegalArgumentException("labels are required (the shape, as runs-on lists it)");
    }
    if (!rules.triggeredBy(settings.labels())) {
      throw new IllegalArgumentException("labels lack the trigger labels " + rules.triggerLabels());
    }
    LabelDecision decision = policy.resolve(settings.labels());
    if (decision instanceof LabelDecision.Refused refused) {
      throw new IllegalArgumentException("labels refused: " + refused.reason());
    }
    RunnerSpec spec = ((LabelDecision.Accepted) decision).spec();
    if (spec.binding().isPresent()) {
      throw new IllegalArgumentException("a pool serves many jobs: no bind= label");
    }
    if (spec.os() == OperatingSystem.WINDOWS) {
      throw new IllegalArgumentException("Windows pools are not supported");
    }
    if (settings.scope() == null || settings.scope().isBlank()) {
      throw new IllegalArgumentException(
          "scope is required: an organisation (acme) or a user's repository (alice/project)");
    }
    PoolScope scope = PoolScope.parse(settings.scope());
    if (!admitted(scope, rules)) {
      throw new IllegalArgumentException(
          "scope " + scope + " is outside autorunner.routing's allowed owners and repositories");
    }
    if (settings.maxIdle().isNegative() || settings.maxIdle().isZero()) {
      throw new IllegalArgumentException("max-idle must be positive");
    }
    PoolSchedule schedule = PoolSchedule.parse(settings.schedule(), settings.timeZone());
    return new Pool(name, spec, settings.size(), scope, schedule, settings.maxIdle());
  }

  /** An organisation is admitted when the lists admit it or one of its repositories. */
  private static boolean admitted(PoolScope scope, RoutingRules rules) {
    if (scope.userRepository().isPresent()) {
      return rules.allows(scope.owner(), scope.repository());
    }
    String org = scope.organization().orElseThrow();
    return rules.allows(org, org + "/")
        || rules.allowedRepositories().stream()
            .anyMatch(repo -> repo.startsWith(org.toLowerCase(java.util.Locale.ROOT) + "/"));
  }

  public List<Pool> all() {
    return pools;
  }

  public boolean isEmpty() {
    return pools.isEmpty();
  }

  public Optional<Pool> named(String name) {
    return pools.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The pool a VM belongs to, if it belongs to a configured one. */
  public Optional<Pool> of(Machine vm) {
    return vm.pool().flatMap(this::named);
  }
}
