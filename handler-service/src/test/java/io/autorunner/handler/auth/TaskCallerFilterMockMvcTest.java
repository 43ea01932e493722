package io.autorunner.handler.auth;

import static io.autorunner.handler.auth.TestTokens.AUDIENCE;
import static io.autorunner.handler.auth.TestTokens.INVOKER;
import static io.autorunner.handler.auth.TestTokens.NOW;
import static io.autorunner.handler.auth.TestTokens.bearer;
import static io.autorunner.handler.auth.TestTokens.invokerClaims;
import static io.autorunner.handler.auth.TestTokens.rsaKey;
import static io.autorunner.handler.auth.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/** The filter in front of real MVC dispatch: refused tasks never reach a controller. */
class TaskCallerFilterMockMvcTest {

  private static final RSAKey GOOGLE_KEY = rsaKey("google-key-1");

  private final TasksStub tasks = new TasksStub();
  private final MockMvc mvc =
      MockMvcBuilders.standaloneSetup(tasks)
          .addFilters(
              new TaskCallerFilter(
                  new GoogleIdTokenVerifier(
                      new ImmutableJWKSet<>(new JWKSet(GOOGLE_KEY.toPublicJWK())),
                      AUDIENCE,
                      INVOKER,
                      Clock.fixed(NOW, ZoneOffset.UTC))))
          .build();

  @Test
  void invokerReachesTheTaskEndpoint() throws Exception {
    mvc.perform(
            post("/tasks/create-runner")
                .header("Authorization", bearer(sign(GOOGLE_KEY, invokerClaims().build()))))
        .andExpect(status().isOk())
        .andExpect(content().string("created for " + INVOKER));

    assertThat(tasks.calls).hasValue(1);
  }

  @Test
  void callerWithoutTokenGets401AndTheEndpointNeverRuns() throws Exception {
    mvc.perform(post("/tasks/create-runner"))
        .andExpect(status().isUnauthorized())
        .andExpect(header().string("WWW-Authenticate", "Bearer"))
        .andExpect(content().json("{\"error\": \"unauthenticated\"}"));

    assertThat(tasks.calls).hasValue(0);
  }

  @Test
  void anotherIdentityGets403AndTheEndpointNeverRuns() throws Exception {
    String intruder =
        sign(GOOGLE_KEY, invokerClaims().claim("email", "dev@p.iam.gserviceaccount.com").build());

    mvc.perform(post("/tasks/create-runner").header("Authorization", bearer(intruder)))
        .andExpect(status().isForbidden())
        .andExpect(content().json("{\"error\": \"forbidden\"}"));

    assertThat(tasks.calls).hasValue(0);
  }

  @Test
  void healthCheckNeedsNoToken() throws Exception {
    mvc.perform(get("/healthz")).andExpect(status().isOk()).andExpect(content().string("ok"));
  }

  @RestController
  static class TasksStub {
    final AtomicInteger calls = new AtomicInteger();

    @PostMapping("/tasks/create-runner")
    String create(@RequestAttribute(TaskCallerFilter.CALLER_ATTRIBUTE) String caller) {
      calls.incrementAndGet();
      return "created for " + caller;
    }

    @GetMapping("/healthz")
    String health() {
      return "ok";
    }
  }
}
