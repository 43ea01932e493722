package io.autorunner.scheduler.webhook;

import io.autorunner.common.routing.WorkflowJobRouter;
import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.scheduler.queue.RunnerQueue;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The scheduler's two endpoints as servlets on the embedded Tomcat: {@code POST /webhook} ({@link
 * WebhookServlet}) and {@code GET /healthz}. Both are started with the context, so the first
 * delivery finds them ready.
 */
@Configuration(proxyBeanMethods = false)
public class WebhookServlets {

  static final String HEALTHZ = "/healthz";

  @Bean
  ServletRegistrationBean<WebhookServlet> webhookServlet(
      WebhookSignature signature,
      WorkflowJobRouter router,
      RunnerQueue queue,
      DelayedChecks checks,
      CpuGate cpu) {
    return registered(
        new WebhookServlet(signature, router, queue, checks, cpu), WebhookServlet.PATH);
  }

  @Bean
  ServletRegistrationBean<Healthz> healthzServlet() {
    return registered(new Healthz(), HEALTHZ);
  }

  private static <S extends HttpServlet> ServletRegistrationBean<S> registered(
      S servlet, String path) {
    ServletRegistrationBean<S> registration = new ServletRegistrationBean<>(servlet, path);
    registration.setName(servlet.getClass().getSimpleName());
    registration.setLoadOnStartup(1);
    return registration;
  }

  /** {@code ok} while the process serves: Cloud Run's startup and liveness probes. */
  static final class Healthz extends HttpServlet {

    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain;charset=UTF-8");
      response.setContentLength(OK.length);
      response.getOutputStream().write(OK);
    }
  }
}
