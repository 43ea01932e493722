package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * What one reconcile sweep costs in GitHub calls for an App installed on an organisation with 50
 * repositories: the first sweep reads everything, later ones mostly get 304s (free).
 */
class SweepCostTest {

  private static final Pattern CALLS =
      Pattern.compile("githubCalls=\\[(\\d+) calls, (\\d+) of them 304");

  @Test
  void aSteadySweepOfFiftyRepositoriesIsMostlyFreeConditionalRequests() throws Exception {
    Map<String, String> handlerEnv =
        Map.of(
            "AUTORUNNER_ROUTING_ALLOWED_OWNERS", "acme",
            "AUTORUNNER_RECONCILE_EVERY", "1s");
    LocalSystem.Options options =
        new LocalSystem.Options(
            handlerEnv,
            Map.of(),
            1,
            github -> {
              for (int i = 1; i <= 50; i++) {
                github.addRepository("acme/repo-" + i, true);
              }
            });
    try (LocalSystem system =
        LocalSystem.start(
            Path.of("..").toAbsolutePath().normalize(), Path.of("target/sweep-cost"), options)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> system.handlerLogLines("githubCalls=[").size() >= 4);
      List<String> sweeps = system.handlerLogLines("githubCalls=[");
      assertThat(sweeps).as("reconcile sweeps logged").hasSizeGreaterThanOrEqualTo(4);
      int[] first = calls(sweeps.get(0));
      int[] steady = calls(sweeps.get(sweeps.size() - 1));
      System.out.printf(
          "sweep-cost: 50 repositories, first sweep %d calls (%d of them 304),"
              + " steady sweep %d calls (%d of them 304, %d charged to the rate limit)%n",
          first[0], first[1], steady[0], steady[1], steady[0] - steady[1]);
      assertThat(steady[1]).as("304s of a steady sweep").isGreaterThanOrEqualTo(100);
      assertThat(steady[0] - steady[1]).as("calls a steady sweep is charged").isLessThan(20);
    }
  }

  private static int[] calls(String line) {
    Matcher m = CALLS.matcher(line);
    assertThat(m.find()).as("calls in %s", line).isTrue();
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
  }
}
