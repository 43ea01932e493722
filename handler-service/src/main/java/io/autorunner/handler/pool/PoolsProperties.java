package io.autorunner.handler.pool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code autorunner.pools.<name>.*}: the warm pools, by name.
 *
 * @param pools the pools; none by default
 */
@ConfigurationProperties("autorunner")
public record PoolsProperties(Map<String, Settings> pools) {

  public PoolsProperties {
    pools = pools == null ? Map.of() : Map.copyOf(pools);
  }

  /**
   * One pool.
   *
   * @param labels the labels of the shape, exactly as a job's {@code runs-on} lists them; a job
   *     whose labels are all among these may take a pool runner
   * @param size idle runners to keep while a window is open
   * @param scope where the runners register: an organisation login ({@code acme}) or a user-owned
   *     repository ({@code alice/project})
   * @param schedule when the pool is kept, e.g. {@code Mon-Fri 08:00-20:00}; empty: always
   * @param timeZone the time zone of the schedule
   * @param maxIdle an idle pool VM older than this is recycled (a fresh one replaces it)
   */
  public record Settings(
      List<String> labels,
      @DefaultValue("1") int size,
      String scope,
      List<String> schedule,
      @DefaultValue("UTC") String timeZone,
      @DefaultValue("2h") Duration maxIdle) {

    public Settings {
      labels = labels == null ? List.of() : List.copyOf(labels);
      schedule = schedule == null ? List.of() : List.copyOf(schedule);
    }
  }
}
