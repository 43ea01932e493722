package io.autorunner.testkit.github;

import io.autorunner.common.signature.WebhookSignature;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes one webhook request as GitHub's hookshot does: its headers, its signature, a 10 s timeout;
 * and tells what came of it in the terms of the App's delivery log.
 */
final class WebhookPoster {

  static final String EVENT = "workflow_job";

  /** The status GitHub records for a delivery the receiver refused: no HTTP answer, code 0. */
  static final String FAILED_TO_CONNECT = "failed to connect to network";

  static final String TIMED_OUT = "timed out";

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * What came of one request.
   *
   * @param legacyStatus what {@link Delivery#status} shows: the HTTP status, 0 without a URL, -1
   *     when the request failed
   */
  record Outcome(
      int legacyStatus,
      String error,
      boolean reached,
      String status,
      int statusCode,
      Map<String, String> responseHeaders,
      String responseBody) {}

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** The headers GitHub sends with a delivery. */
  static Map<String, String> headers(String guid, String signature) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "*/*");
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", "GitHub-Hookshot/fake");
    headers.put("X-GitHub-Delivery", guid);
    headers.put("X-GitHub-Event", EVENT);
    headers.put("X-GitHub-Hook-ID", "1");
    headers.put("X-GitHub-Hook-Installation-Target-ID", "1");
    headers.put("X-GitHub-Hook-Installation-Target-Type", "integration");
    headers.put(WebhookSignature.HEADER, signature);
    return headers;
  }

  /** A delivery a fault knob lost: as GitHub records one that could not connect. */
  static Outcome lost() {
    return new Outcome(
        -1,
        "lost on purpose (fault knob): " + FAILED_TO_CONNECT,
        false,
        FAILED_TO_CONNECT,
        0,
        null,
        null);
  }

  Outcome post(URI target, Map<String, String> headers, byte[] body) {
    if (target == null) {
      // No receiver configured (the App's webhook has no URL).
      return new Outcome(0, null, false, "failed to connect to host", 0, null, null);
    }
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target)
              .timeout(TIMEOUT)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      // Accept and User-Agent are set by the client itself, or restricted.
      headers.forEach(
          (k, v) -> {
            if (!k.equals("Accept")) {
              request.header(k, v);
            }
          });
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      int code = response.statusCode();
      Map<String, String> answered = new LinkedHashMap<>();
      response.headers().map().forEach((k, v) -> answered.put(k, String.join(", ", v)));
      String status =
          code >= 200 && code < 300 ? HookDeliveries.OK : "Invalid HTTP Response: " + code;
      return new Outcome(code, null, true, status, code, answered, response.body());
    } catch (HttpConnectTimeoutException | ConnectException e) {
      return new Outcome(-1, e.toString(), false, FAILED_TO_CONNECT, 0, null, null);
    } catch (HttpTimeoutException e) {
      // Sent, but no answer within GitHub's 10 s: the receiver may well have it.
      return new Outcome(-1, e.toString(), true, TIMED_OUT, 0, null, null);
    } catch (IOException e) {
      return new Outcome(-1, e.toString(), false, FAILED_TO_CONNECT, 0, null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(-1, "interrupted", false, FAILED_TO_CONNECT, 0, null, null);
    }
  }
}
