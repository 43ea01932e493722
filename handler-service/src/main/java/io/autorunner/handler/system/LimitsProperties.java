package io.autorunner.handler.system;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.limits.*}: the ceiling on spend.
 *
 * @param maxInstances VMs that may exist at once; at the cap a create is retried later
 */
@Validated
@ConfigurationProperties("autorunner.limits")
public record LimitsProperties(@DefaultValue("10") @Min(1) int maxInstances) {}
