package io.autorunner.handler.handout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.nimbusds.jwt.JWTClaimsSet;
import io.autorunner.common.policy.LabelDecision;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.auth.InstanceTokens;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.testing.InMemoryMachines;
import io.autorunner.handler.testing.InMemoryRegistry;
import io.autorunner.handler.vm.MachineRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * {@code POST /vm/runner-config} in its MVC slice, over the real handout with in-memory GCE and
 * GitHub: what a VM's startup script reads from each answer, and what the log keeps of it.
 */
@WebMvcTest(controllers = RunnerConfigController.class, properties = "autorunner.handler.auth=none")
@ExtendWith(OutputCaptureExtension.class)
class RunnerConfigControllerTests {

  private static final Instant NOW = Instant.parse("2026-11-27T12:03:00Z");
  private static final AtomicInteger JOBS = new AtomicInteger(4000);

  @Autowired MockMvc mvc;
  @Autowired InMemoryMachines machines;
  @Autowired InMemoryRegistry github;

  @TestConfiguration
  static class InMemoryHandout {
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @Bean
    InMemoryMachines machines() {
      InMemoryMachines machines = new InMemoryMachines();
      machines.now = NOW.minus(Duration.ofMinutes(2));
      return machines;
    }

    @Bean
    InMemoryRegistry github() {
      return new InMemoryRegistry();
    }

    @Bean
    RunnerHandout runnerHandout(InMemoryMachines machines, InMemoryRegistry github) {
      return VmBoots.handout(machines, github, clock);
    }
  }

  @AfterEach
  void noInjectedFailureOutlivesItsTest() {
    github.failJit = null;
  }

  @Test
  void aVmOfOursGetsExactlyItsConfigAsPlainTextThatNoCacheMayKeep(CapturedOutput log)
      throws Exception {
    String name = bootedVm();

    askAs(tokenOf(name))
        .andExpect(status().isOk())
        .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_PLAIN))
        .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
        .andExpect(header().doesNotExist(HttpHeaders.WWW_AUTHENTICATE))
        .andExpect(content().string(InMemoryRegistry.JIT_CONFIG));

    // The hand-out is logged, so this capture sees the controller's log; the config is not in it.
    assertThat(log.getAll()).contains("runner config: VM").contains(name);
    assertThat(log.getAll()).doesNotContain(InMemoryRegistry.JIT_CONFIG);
  }

  @Test
  void aCallWithoutATokenIsAnswered401WithABearerChallenge() throws Exception {
    mvc.perform(post(RunnerConfigController.PATH))
        .andExpect(status().isUnauthorized())
        .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer"))
        .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
        .andExpect(content().string("unauthenticated"));
  }

  @Test
  void aVmOfAnotherProjectIsAnswered403WithAFixedWordAndNoReason(CapturedOutput log)
      throws Exception {
    String name = bootedVm();
    JWTClaimsSet otherProject =
        claimsOf(name)
            .claim(
                "google",
                InstanceTokens.google(
                    "other-project", InMemoryMachines.ZONE, name, machines.instanceIds.get(name)))
            .build();

    askAs(InstanceTokens.sign(otherProject))
        .andExpect(status().isForbidden())
        .andExpect(header().doesNotExist(HttpHeaders.WWW_AUTHENTICATE))
        .andExpect(content().string("forbidden"));
    // The reason is for our log, not for whoever knocked.
    assertThat(log.getAll()).contains("runner config refused (403)").contains("other-project");
  }

  @Test
  void aSecondCallIsAnswered409WithAFixedWordAndNoConfig(CapturedOutput log) throws Exception {
    String name = bootedVm();
    askAs(tokenOf(name)).andExpect(status().isOk());

    askAs(tokenOf(name))
        .andExpect(status().isConflict())
        .andExpect(content().string("no runner for this VM"));
    assertThat(log.getAll())
        .contains("runner config refused (409)")
        .doesNotContain(InMemoryRegistry.JIT_CONFIG);
  }

  @Test
  void aGitHubOutageIsAnswered503SoTheVmAsksAgain() throws Exception {
    String name = bootedVm();
    github.failJit = new GitHubException.Transient("GitHub answered 502", null);

    askAs(tokenOf(name))
        .andExpect(status().isServiceUnavailable())
        .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
        .andExpect(content().string("retry later"));
  }

  @Test
  void aRacedHandoutThatHadToDropItsRunnerLogsNoConfig(CapturedOutput log) throws Exception {
    String name = bootedVm();
    machines.beforeRelabel =
        () -> machines.changeLabels(name, l -> l.put("autorunner-retiring", "true"));

    askAs(tokenOf(name)).andExpect(status().isConflict());

    assertThat(log.getAll())
        .contains("runner config refused (409)")
        .doesNotContain(InMemoryRegistry.JIT_CONFIG);
  }

  // --- helpers

  private ResultActions askAs(String token) throws Exception {
    return mvc.perform(
        post(RunnerConfigController.PATH)
            .header(HttpHeaders.AUTHORIZATION, InstanceTokens.bearer(token)));
  }

  /** A VM of ours, inserted two minutes ago, of its own job so that tests do not meet. */
  private String bootedVm() {
    int job = JOBS.incrementAndGet();
    String name = "ghr-" + job + "-1";
    machines.create(
        new MachineRequest(
            name,
            ((LabelDecision.Accepted)
                    new LabelPolicy(PolicyProperties.defaults())
                        .resolve(List.of("self-hosted", "gce")))
                .spec(),
            new JobRef(job, 9001, 1, "acme/models", "acme", 555L),
            InMemoryMachines.HANDOUT,
            "#!/bin/bash\n"));
    return name;
  }

  private JWTClaimsSet.Builder claimsOf(String name) {
    return InstanceTokens.claims(NOW, InMemoryMachines.ZONE, name, machines.instanceIds.get(name));
  }

  private String tokenOf(String name) {
    return InstanceTokens.sign(claimsOf(name).build());
  }
}
