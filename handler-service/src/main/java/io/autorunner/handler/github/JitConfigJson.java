package io.autorunner.handler.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * GitHub's answer to a JIT config request; the config is a secret, kept out of {@link #toString()}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record JitConfigJson(
    RunnerJson runner, @JsonProperty("encoded_jit_config") String encodedJitConfig) {
  @Override
  public String toString() {
    return "JitConfigJson[runner=" + runner + ", encodedJitConfig=<secret>]";
  }
}
