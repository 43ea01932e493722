package io.autorunner.testkit.github;

import java.util.List;

/**
 * A snapshot of one registered runner in the fake GitHub.
 *
 * @param scope {@code org:LOGIN} or {@code repo:OWNER/NAME}, where it was registered
 * @param status online or offline (a JIT runner is offline until its machine boots)
 * @param jobId the job it runs, or null
 * @param machine the VM (or machine) it booted on, or null before it booted
 */
public record Runner(
    long id,
    String name,
    String scope,
    List<String> labels,
    String status,
    boolean busy,
    Long jobId,
    String machine) {}
