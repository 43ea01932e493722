package io.autorunner.handler.system;

import io.autorunner.common.config.MissingConfigurationException;
import io.autorunner.handler.ledger.InMemoryReplacementLedger;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.ledger.datastore.DatastoreCapacityNotes;
import io.autorunner.handler.ledger.datastore.DatastoreClients;
import io.autorunner.handler.ledger.datastore.DatastoreLocation;
import io.autorunner.handler.ledger.datastore.DatastorePendingCreates;
import io.autorunner.handler.ledger.datastore.DatastoreReplacementLedger;
import io.autorunner.handler.pool.LocalPendingCreates;
import io.autorunner.handler.pool.PendingCreates;
import io.autorunner.handler.vm.CapacityNotes;
import io.autorunner.handler.vm.LocalCapacityNotes;
import io.autorunner.handler.vm.gce.GceProperties;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The store the handler instances share. Chosen in the bean method on the configured mode, not by
 * conditions, so a build-time AOT-processed image still switches at run time.
 */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

  private static final Logger log = LoggerFactory.getLogger(StoreConfiguration.class);

  @Bean
  ReplacementLedger replacementLedger(StoreProperties store, GceProperties gce, Clock clock) {
    return switch (store.mode()) {
      case DATASTORE -> {
        DatastoreLocation location = location(store, gce);
        String project = location.project();
        log.info(
            "replacement ledger: Datastore database '{}' of project {}{}",
            location.database(),
            project,
            location.endpoint().isBlank() ? "" : " at " + location.endpoint());
        yield new DatastoreReplacementLedger(
            DatastoreClients.connect(location), clock, store.expireAfter());
      }
      case MEMORY -> {
        log.warn(
            "replacement ledger in memory (autorunner.store.mode=memory): one instance only, and"
                + " a restart forgets every job's replacements");
        yield new InMemoryReplacementLedger();
      }
    };
  }

  /**
   * The zones every handler instance found out of capacity lately: in the same database as the
   * ledger, or each instance's own with the store in memory.
   */
  @Bean
  CapacityNotes capacityNotes(StoreProperties store, GceProperties gce) {
    return switch (store.mode()) {
      case DATASTORE ->
          new DatastoreCapacityNotes(
              DatastoreClients.connect(location(store, gce), DatastoreCapacityNotes.RETRIES));
      case MEMORY -> new LocalCapacityNotes();
    };
  }

  /**
   * The job VMs being made that a warm pool's refill is to wait for: beside the capacity notes, or
   * each instance's own with the store in memory.
   */
  @Bean
  PendingCreates pendingCreates(StoreProperties store, GceProperties gce, Clock clock) {
    return switch (store.mode()) {
      case DATASTORE ->
          new DatastorePendingCreates(
              DatastoreClients.connect(location(store, gce), DatastoreCapacityNotes.RETRIES),
              clock);
      case MEMORY -> new LocalPendingCreates();
    };
  }

  private static DatastoreLocation location(StoreProperties store, GceProperties gce) {
    String project = isBlank(store.project()) ? gce.project() : store.project();
    if (isBlank(project)) {
      throw new MissingConfigurationException(
          "autorunner.store.project (or autorunner.gce.project) is required with"
              + " autorunner.store.mode=datastore");
    }
    return new DatastoreLocation(project, store.database(), store.namespace(), store.endpoint());
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
