package io.autorunner.handler.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.autorunner.common.config.Startup;
import io.autorunner.handler.HandlerApplication;
import io.autorunner.handler.ledger.InMemoryReplacementLedger;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.ledger.datastore.DatastoreReplacementLedger;
import io.autorunner.testkit.datastore.FakeDatastore;
import io.autorunner.testkit.datastore.StoredEntity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The ledger is chosen by {@code autorunner.store.mode}; a datastore without a project is refused.
 */
class StoreConfigurationTests {

  private static final String[] MINIMAL = {
    "--autorunner.handler.auth=none", "--autorunner.github.token=t"
  };

  @Test
  void theLedgerIsInMemoryByDefault() {
    try (ConfigurableApplicationContext handler = start()) {
      assertThat(handler.getBean(ReplacementLedger.class))
          .isInstanceOf(InMemoryReplacementLedger.class);
    }
  }

  @Test
  void datastoreModeWritesToTheGceProjectsAutorunnerDatabaseByDefault() {
    try (FakeDatastore fake = new FakeDatastore();
        ConfigurableApplicationContext handler =
            start(
                "--autorunner.store.mode=datastore",
                "--autorunner.gce.project=my-proj",
                "--autorunner.store.endpoint=" + fake.baseUrl())) {
      ReplacementLedger ledger = handler.getBean(ReplacementLedger.class);
      assertThat(ledger).isInstanceOf(DatastoreReplacementLedger.class);

      ledger.spent(4242, "ghr-4242-r1");

      StoredEntity entity = fake.entity("JobReplacements", "4242").orElseThrow();
      assertThat(entity.project()).isEqualTo("my-proj");
      assertThat(entity.database()).isEqualTo("autorunner");
      assertThat(entity.namespace()).isEmpty();
    }
  }

  @Test
  void theStoresOwnProjectDatabaseAndNamespaceWin() {
    try (FakeDatastore fake = new FakeDatastore();
        ConfigurableApplicationContext handler =
            start(
                "--autorunner.store.mode=datastore",
                "--autorunner.gce.project=vm-proj",
                "--autorunner.store.project=state-proj",
                "--autorunner.store.database=ledger",
                "--autorunner.store.namespace=staging",
                "--autorunner.store.endpoint=" + fake.baseUrl())) {
      handler.getBean(ReplacementLedger.class).spent(4242, "ghr-4242-r1");

      StoredEntity entity = fake.entity("JobReplacements", "4242").orElseThrow();
      assertThat(entity.project()).isEqualTo("state-proj");
      assertThat(entity.database()).isEqualTo("ledger");
      assertThat(entity.namespace()).isEqualTo("staging");
    }
  }

  @Test
  void datastoreModeWithoutAnyProjectIsRefused() {
    assertThat(problemStarting("--autorunner.store.mode=datastore"))
        .isEqualTo(
            "autorunner.store.project (or autorunner.gce.project) is required with"
                + " autorunner.store.mode=datastore");
  }

  @Test
  void anExpiryShorterThanADayIsRefused() {
    assertThat(problemStarting("--autorunner.store.expire-after=1h"))
        .startsWith("autorunner.store.expire-after must be between 1d and 365d");
  }

  @Test
  void anEndpointThatIsNoUrlIsRefused() {
    assertThat(problemStarting("--autorunner.store.endpoint=127.0.0.1:8484"))
        .isEqualTo(
            "autorunner.store.endpoint must be an http:// or https:// URL, not 127.0.0.1:8484");
  }

  @Test
  void anUnknownModeIsRefusedNamingTheKey() {
    assertThat(problemStarting("--autorunner.store.mode=redis")).startsWith("autorunner.store");
  }

  private static ConfigurableApplicationContext start(String... args) {
    return new SpringApplicationBuilder(HandlerApplication.class)
        .web(WebApplicationType.NONE)
        .run(with(args));
  }

  private static String problemStarting(String... args) {
    Throwable failure = catchThrowable(() -> start(args).close());
    assertThat(failure).as("the handler must refuse to start").isNotNull();
    String problem = Startup.configurationProblem(failure).orElse(null);
    assertThat(problem).as("a one-line configuration problem").isNotNull().doesNotContain("\n");
    return problem;
  }

  private static String[] with(String... args) {
    List<String> all = new ArrayList<>(List.of(MINIMAL));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }
}
