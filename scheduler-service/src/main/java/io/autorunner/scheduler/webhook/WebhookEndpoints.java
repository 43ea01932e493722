package io.autorunner.scheduler.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.autorunner.common.routing.WorkflowJobRouter;
import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.scheduler.queue.RunnerQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The scheduler's two endpoints on its {@link WebhookServer}: {@code POST /webhook} ({@link
 * WebhookHandler}) and {@code GET /healthz}. The server opens its port once the context is ready,
 * so the first delivery finds them ready.
 */
@Configuration(proxyBeanMethods = false)
public class WebhookEndpoints {

  static final String HEALTHZ = "/healthz";

  @Bean
  WebhookServer webhookServer(
      ListenProperties listen,
      WebhookSignature signature,
      WorkflowJobRouter router,
      RunnerQueue queue,
      DelayedChecks checks,
      CpuGate cpu) {
    return new WebhookServer(
        listen,
        Map.of(
            WebhookHandler.PATH,
            new WebhookHandler(signature, router, queue, checks, cpu),
            HEALTHZ,
            new Healthz()));
  }

  /** {@code ok} while the process serves: Cloud Run's startup and liveness probes. */
  static final class Healthz implements HttpHandler {

    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        // A HEAD is answered with the headers only.
        exchange.getResponseHeaders().set("Content-Type", "text/plain;charset=UTF-8");
        if (method.equals("HEAD")) {
          exchange.sendResponseHeaders(200, -1);
          return;
        }
        exchange.sendResponseHeaders(200, OK.length);
        exchange.getResponseBody().write(OK);
      }
    }
  }
}
