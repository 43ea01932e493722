package io.autorunner.handler.system;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.compute.*}: which adapter runs VMs.
 *
 * @param mode {@code dry-run} (the local default: nothing is created, every instance is written
 *     under {@code dryRunDir}) or {@code gce}
 * @param dryRunDir where dry-run writes each instance's JSON and startup script
 */
@Validated
@ConfigurationProperties("autorunner.compute")
public record ComputeProperties(
    @DefaultValue("dry-run") @NotNull Mode mode,
    @DefaultValue("${java.io.tmpdir}/autorunner-dry-run") Path dryRunDir) {

  /** The compute adapters. */
  public enum Mode {
    DRY_RUN,
    GCE
  }
}
