package io.autorunner.handler.system;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.limits.*}: the ceiling on spend.
 *
 * @param maxInstances VMs that may exist at once; at the cap a create is retried later
 * @param settleWindow a VM standing over the cap longer than this (its create died before it could
 *     undo its overshoot) is taken back by the reconciler, unless its runner took a job; shorter
 *     than a VM's boot, so it goes before its runner comes online
 */
@Validated
@ConfigurationProperties("autorunner.limits")
public record LimitsProperties(
    @DefaultValue("10") @Min(1) int maxInstances,
    @DefaultValue("15s") java.time.Duration settleWindow) {}
