package io.autorunner.handler.github;

/**
 * A registered single-use runner. {@code encodedJitConfig} lets exactly one runner process register
 * as this runner: a secret, kept out of logs and {@link #toString()}.
 */
public record JitRunner(long runnerId, String name, String encodedJitConfig) {
  @Override
  public String toString() {
    return "JitRunner[runnerId=" + runnerId + ", name=" + name + ", encodedJitConfig=<secret>]";
  }
}
