package io.autorunner.handler.task;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.preemption.*}: what happens to a job whose Spot VM was reclaimed under it.
 *
 * @param maxReruns re-run such a job on GitHub while its run attempt is at most this (0: never)
 * @param standardOnRerun give the re-run attempt of a preempted job a standard VM, so it cannot be
 *     preempted twice (never with {@code autorunner.policy.allow-standard=false})
 */
@Validated
@ConfigurationProperties("autorunner.preemption")
public record PreemptionProperties(
    @DefaultValue("1") @Min(0) @Max(5) int maxReruns,
    @DefaultValue("false") boolean standardOnRerun) {}
