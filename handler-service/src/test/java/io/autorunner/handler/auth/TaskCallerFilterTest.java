package io.autorunner.handler.auth;

import static io.autorunner.handler.auth.TestTokens.AUDIENCE;
import static io.autorunner.handler.auth.TestTokens.INVOKER;
import static io.autorunner.handler.auth.TestTokens.NOW;
import static io.autorunner.handler.auth.TestTokens.bearer;
import static io.autorunner.handler.auth.TestTokens.invokerClaims;
import static io.autorunner.handler.auth.TestTokens.rsaKey;
import static io.autorunner.handler.auth.TestTokens.sign;
import static io.autorunner.handler.auth.TestTokens.stripped;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

@ExtendWith(OutputCaptureExtension.class)
class TaskCallerFilterTest {

  private final List<String> seenHeaders = new ArrayList<>();

  @Test
  void refusesUnauthenticatedTaskWithBearerChallengeAndNeverCallsTheChain() throws Exception {
    TaskCallerFilter filter =
        filterAnswering(new CallerCheck.Unauthenticated("no Authorization header"));
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    filter.doFilter(post("/tasks/create-runner"), response, chain);

    assertThat(response.getStatus()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.getContentType()).startsWith("application/json");
    assertThat(response.getContentAsString()).isEqualTo("{\"error\": \"unauthenticated\"}");
    assertThat(chain.getRequest()).isNull();
  }

  @Test
  void refusesOtherIdentityWith403AndNoChallenge() throws Exception {
    TaskCallerFilter filter = filterAnswering(new CallerCheck.Forbidden("caller x is not y"));
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    filter.doFilter(post("/tasks/delete-runner"), response, chain);

    assertThat(response.getStatus()).isEqualTo(403);
    assertThat(response.getHeader("WWW-Authenticate")).isNull();
    assertThat(response.getContentAsString()).isEqualTo("{\"error\": \"forbidden\"}");
    assertThat(chain.getRequest()).isNull();
  }

  @Test
  void answers503WhenTheCheckCannotRun() throws Exception {
    TaskCallerFilter filter = filterAnswering(new CallerCheck.Unavailable("keys down"));
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    filter.doFilter(post("/tasks/reconcile"), response, chain);

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(chain.getRequest()).isNull();
  }

  @Test
  void passesAcceptedCallerOnWithItsEmail() throws Exception {
    TaskCallerFilter filter = filterAnswering(new CallerCheck.Accepted(INVOKER));
    MockHttpServletRequest request = post("/tasks/create-runner");
    request.addHeader("Authorization", "Bearer t");
    request.addHeader("X-Serverless-Authorization", "Bearer s");
    MockFilterChain chain = new MockFilterChain();

    filter.doFilter(request, new MockHttpServletResponse(), chain);

    assertThat(chain.getRequest()).isSameAs(request);
    assertThat(request.getAttribute(TaskCallerFilter.CALLER_ATTRIBUTE)).isEqualTo(INVOKER);
    assertThat(seenHeaders).containsExactly("Bearer t", "Bearer s");
  }

  @Test
  void guardsTheStatusPageLikeTheTasks() throws Exception {
    for (String uri : List.of("/status", "//status", "/STATUS", "/status/", "/status;x=y")) {
      TaskCallerFilter filter = filterAnswering(new CallerCheck.Forbidden("a runner VM"));
      MockHttpServletResponse response = new MockHttpServletResponse();
      MockFilterChain chain = new MockFilterChain();

      filter.doFilter(new MockHttpServletRequest("GET", uri), response, chain);

      assertThat(response.getStatus()).as(uri).isEqualTo(403);
      assertThat(chain.getRequest()).as(uri).isNull();
    }
  }

  @Test
  void leavesHealthCheckUnguarded() throws Exception {
    TaskCallerFilter filter = filterAnswering(new CallerCheck.Unauthenticated("nope"));
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = new MockFilterChain();

    filter.doFilter(new MockHttpServletRequest("GET", "/healthz"), response, chain);

    assertThat(chain.getRequest()).isNotNull();
    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(seenHeaders).isEmpty();
  }

  @Test
  void guardsTaskPathsHoweverTheyAreSpelled() throws Exception {
    for (String uri :
        List.of(
            "/tasks/create-runner",
            "//tasks/create-runner",
            "/tasks;x=y/create-runner",
            "/TASKS/create-runner",
            "/%74asks/create-runner",
            "/tasks/",
            "/tasks")) {
      TaskCallerFilter filter = filterAnswering(new CallerCheck.Unauthenticated("nope"));
      MockHttpServletResponse response = new MockHttpServletResponse();
      MockFilterChain chain = new MockFilterChain();

      filter.doFilter(post(uri), response, chain);

      assertThat(response.getStatus()).as(uri).isEqualTo(401);
      assertThat(chain.getRequest()).as(uri).isNull();
    }
  }

  @Test
  void logsRefusalReasonButNeverTheToken(CapturedOutput output) throws Exception {
    String token =
        stripped(
            sign(
                rsaKey("k"),
                invokerClaims().claim("email", "intruder@x.iam.gserviceaccount.com").build()),
            ".SIGNATURE_REMOVED_BY_GOOGLE");
    TaskCallerFilter filter =
        new TaskCallerFilter(
            new CloudRunIamVerifier(AUDIENCE, INVOKER, Clock.fixed(NOW, ZoneOffset.UTC)));
    MockHttpServletRequest request = post("/tasks/create-runner");
    request.addHeader("Authorization", bearer(token));
    MockHttpServletResponse response = new MockHttpServletResponse();

    filter.doFilter(request, response, new MockFilterChain());

    assertThat(response.getStatus()).isEqualTo(403);
    assertThat(output)
        .contains("WARN")
        .contains(
            "refused POST /tasks/create-runner: 403 caller intruder@x.iam.gserviceaccount.com")
        .doesNotContain(token)
        .doesNotContain(token.split("\\.")[1]);
  }

  private TaskCallerFilter filterAnswering(CallerCheck answer) {
    return new TaskCallerFilter(
        (authorization, serverless) -> {
          seenHeaders.add(authorization);
          seenHeaders.add(serverless);
          seenHeaders.removeIf(java.util.Objects::isNull);
          return answer;
        });
  }

  private static MockHttpServletRequest post(String uri) {
    return new MockHttpServletRequest("POST", uri);
  }
}
