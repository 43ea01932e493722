package io.autorunner.handler.system;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.ClientSettings;
import com.google.cloud.compute.v1.ImagesClient;
import com.google.cloud.compute.v1.ImagesSettings;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.RegionInstancesClient;
import com.google.cloud.compute.v1.RegionInstancesSettings;
import com.google.cloud.compute.v1.RegionsClient;
import com.google.cloud.compute.v1.RegionsSettings;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import com.google.cloud.compute.v1.ZoneOperationsSettings;
import io.autorunner.common.config.EndpointOverride;
import io.autorunner.common.config.MissingConfigurationException;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.handler.github.GitHubProperties;
import io.autorunner.handler.vm.CapacityNotes;
import io.autorunner.handler.vm.RunnerMachines;
import io.autorunner.handler.vm.gce.BakedImageCheck;
import io.autorunner.handler.vm.gce.ComputeEngineMachines;
import io.autorunner.handler.vm.gce.DryRunMachines;
import io.autorunner.handler.vm.gce.GceProperties;
import io.autorunner.handler.vm.gce.InstanceFactory;
import io.autorunner.handler.vm.gce.RegionalInsert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where VMs are made: Compute Engine, or dry-run (the local default). The adapter is chosen in the
 * bean method on the configured mode, not by conditions, so a build-time AOT-processed image still
 * switches at run time.
 */
@Configuration(proxyBeanMethods = false)
public class ComputeConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ComputeConfiguration.class);

  /**
   * Listing retries 5xx on its own, by default for up to ten minutes: far longer than a task should
   * hold its worker. Give up sooner and let Cloud Tasks retry the task instead.
   */
  private static final Duration LIST_RETRY_BUDGET = Duration.ofSeconds(30);

  @Bean
  InstanceFactory instanceFactory(GceProperties gce, PolicyProperties policy) {
    return new InstanceFactory(gce, policy);
  }

  @Bean
  RunnerMachines runnerMachines(
      ComputeProperties compute, GceProperties gce, InstanceFactory factory, CapacityNotes notes) {
    return switch (compute.mode()) {
      case GCE -> {
        if (gce.project() == null || gce.project().isBlank()) {
          throw new MissingConfigurationException(
              "autorunner.gce.project is required with autorunner.compute.mode=gce");
        }
        log.info("VMs are created in project {} zones {}", gce.project(), gce.zones());
        yield new ComputeEngineMachines(
            gce,
            factory,
            instancesClient(gce),
            operationsClient(gce),
            gce.operationTimeout(),
            notes,
            gce.bulkInsert()
                ? Optional.of(new RegionalInsert(regionInstancesClient(gce), regionsClient(gce)))
                : Optional.empty());
      }
      case DRY_RUN -> {
        log.warn(
            "DRY-RUN: autorunner.compute.mode=dry-run creates no VM; instances are written to {}",
            compute.dryRunDir());
        yield new DryRunMachines(compute.dryRunDir(), factory, gce);
      }
    };
  }

  /** A REST client of {@code autorunner.gce.endpoint} (Google's when unset). */
  public static InstancesClient instancesClient(GceProperties gce) {
    InstancesSettings.Builder settings = InstancesSettings.newBuilder();
    settings
        .aggregatedListSettings()
        .setRetrySettings(
            settings.aggregatedListSettings().getRetrySettings().toBuilder()
                .setTotalTimeoutDuration(LIST_RETRY_BUDGET)
                .build());
    pointAt(settings, gce.endpoint());
    try {
      return InstancesClient.create(settings.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Compute Engine client", e);
    }
  }

  /**
   * Once the handler is up, says whether the boot images were baked with the runner release it
   * renders ({@link BakedImageCheck}): on a thread of its own, after the start-up (whose CPU it
   * would otherwise share), and nothing waits for it or fails by it.
   */
  @Bean
  ApplicationListener<ApplicationReadyEvent> bakedImageCheck(
      ComputeProperties compute, GceProperties gce, GitHubProperties github) {
    return ready -> {
      if (compute.mode() == ComputeProperties.Mode.GCE) {
        checkBakedImages(gce, github.runnerVersion());
      }
    };
  }

  private static void checkBakedImages(GceProperties gce, String runnerVersion) {
    Thread check =
        new Thread(
            () -> {
              try (ImagesClient images = imagesClient(gce)) {
                new BakedImageCheck(images)
                    .check(List.of(gce.cpuImage(), gce.gpuImage()), runnerVersion);
              } catch (RuntimeException e) {
                log.info("boot images unchecked: {}", e.toString());
              }
            },
            "baked-image-check");
    check.setDaemon(true);
    check.start();
  }

  /** An images client, pointed like {@link #instancesClient}. */
  public static ImagesClient imagesClient(GceProperties gce) {
    ImagesSettings.Builder settings = ImagesSettings.newBuilder();
    pointAt(settings, gce.endpoint());
    try {
      return ImagesClient.create(settings.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Compute Engine images client", e);
    }
  }

  /** A regional instances client (bulk insert), pointed like {@link #instancesClient}. */
  public static RegionInstancesClient regionInstancesClient(GceProperties gce) {
    RegionInstancesSettings.Builder settings = RegionInstancesSettings.newBuilder();
    pointAt(settings, gce.endpoint());
    try {
      return RegionInstancesClient.create(settings.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Compute Engine regional client", e);
    }
  }

  /** A regions client (a region's zones), pointed like {@link #instancesClient}. */
  public static RegionsClient regionsClient(GceProperties gce) {
    RegionsSettings.Builder settings = RegionsSettings.newBuilder();
    pointAt(settings, gce.endpoint());
    try {
      return RegionsClient.create(settings.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Compute Engine regions client", e);
    }
  }

  /** A zone operations client, pointed like {@link #instancesClient}. */
  public static ZoneOperationsClient operationsClient(GceProperties gce) {
    ZoneOperationsSettings.Builder settings = ZoneOperationsSettings.newBuilder();
    pointAt(settings, gce.endpoint());
    try {
      return ZoneOperationsClient.create(settings.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Compute Engine operations client", e);
    }
  }

  private static void pointAt(ClientSettings.Builder<?, ?> settings, String endpoint) {
    EndpointOverride.of(endpoint)
        .ifPresent(
            override -> {
              settings.setEndpoint(override.address());
              if (override.withoutCredentials()) {
                settings.setCredentialsProvider(NoCredentialsProvider.create());
              }
            });
  }
}
