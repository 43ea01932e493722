package io.autorunner.handler.vm.gce;

import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.compute.v1.Errors;
import com.google.cloud.compute.v1.Operation;
import io.autorunner.handler.vm.ComputeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A failed GCE call, read for what it means, and the one place a failure becomes the port's typed
 * {@link ComputeException}. Over REST the client maps the HTTP status, not the body: a stock-out is
 * a finished operation whose error codes say ZONE_RESOURCE_POOL_EXHAUSTED (surfacing as a 503-ish
 * exception whatever else went wrong), and a 409 arrives as {@code AbortedException}. So the
 * verdict comes from the operation's error codes and the body text first, and from the status only
 * when they say nothing specific.
 *
 * @param httpStatus the HTTP status of the call or of the operation's error
 * @param codes GCE's error codes ({@code error.errors[].code}) or the error reason
 * @param text the error messages, for matching and for the log (never holds request bodies)
 * @param cause the client's exception, if the failure came as one
 */
record GceFailure(int httpStatus, List<String> codes, String text, Throwable cause) {

  /** What a failure means for whoever asked. */
  enum Verdict {
    /** An instance of this name exists in the zone: an earlier attempt created it. */
    ALREADY_EXISTS,
    /** The resource is gone (delete) or never was. */
    NOT_FOUND,
    /**
     * The resource is busy with another operation ({@code resourceNotReady}): most often another
     * caller's delete of the same VM is under way.
     */
    NOT_READY,
    /**
     * A conditional change found the resource changed since it was read ({@code conditionNotMet},
     * 412: a stale label fingerprint).
     */
    STALE,
    /** The zone is out of the machine or GPU: try the next zone. */
    NO_CAPACITY,
    /** The zone does not offer this machine or accelerator type: try the next zone. */
    NOT_OFFERED,
    /** A quota whose limit is 0: the project may not have this at all. */
    QUOTA_ZERO,
    /** A quota is used up for now: retry later. */
    QUOTA,
    /** 5xx, 429, timeouts: retry. */
    TRANSIENT,
    /** Any other 4xx: retrying cannot help. */
    PERMANENT
  }

  private static final Logger log = LoggerFactory.getLogger(GceFailure.class);

  private static final Pattern LIMIT_ZERO =
      Pattern.compile("limit:\\s*0(?:\\.0+)?(?![0-9.])", Pattern.CASE_INSENSITIVE);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A long quoted field value: GCE may echo one back (a startup script, a metadata value). */
  private static final Pattern LONG_QUOTED = Pattern.compile("'[^']{120,}'");

  /** A long base64 run, the shape of a JIT runner config. */
  private static final Pattern LONG_BASE64 = Pattern.compile("[A-Za-z0-9+/=_-]{100,}");

  GceFailure {
    codes = List.copyOf(codes);
    text = redact(text == null ? "" : text);
  }

  /** Error text goes into logs and exception messages: keep echoed values of any size out. */
  static String redact(String text) {
    String out = LONG_QUOTED.matcher(text).replaceAll("'<redacted>'");
    out = LONG_BASE64.matcher(out).replaceAll("<redacted>");
    return out.length() > 1000 ? out.substring(0, 1000) + "…" : out;
  }

  /** Reads a finished operation's error. */
  static GceFailure of(Operation operation) {
    List<String> codes = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    for (Errors error : operation.getError().getErrorsList()) {
      codes.add(error.getCode());
      messages.add(error.getMessage());
    }
    if (messages.isEmpty() && !operation.getHttpErrorMessage().isEmpty()) {
      messages.add(operation.getHttpErrorMessage());
    }
    return new GceFailure(
        operation.getHttpErrorStatusCode(), codes, String.join("; ", messages), null);
  }

  /**
   * Reads an exception the client raised on an HTTP error or a transport failure. Its message is
   * only the status line; GCE's reasons and messages are in the response body it wraps.
   */
  static GceFailure of(ApiException e) {
    StatusCode status = e.getStatusCode();
    int http =
        status.getTransportCode() instanceof Integer code && code > 0
            ? code
            : status.getCode().getHttpStatusCode();
    List<String> codes = new ArrayList<>();
    if (e.getReason() != null) {
      codes.add(e.getReason());
    }
    List<String> messages = new ArrayList<>();
    responseOf(e)
        .filter(response -> response.getContent() != null)
        .ifPresent(response -> readBody(response.getContent(), codes, messages));
    if (messages.isEmpty()) {
      messages.add(String.valueOf(e.getMessage()));
    }
    return new GceFailure(http, codes, String.join("; ", messages), e);
  }

  private static Optional<HttpResponseException> responseOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpResponseException response) {
        return Optional.of(response);
      }
    }
    return Optional.empty();
  }

  /** GCE's error body: {@code {"error": {"message": …, "errors": [{"reason": …}]}}}. */
  private static void readBody(String body, List<String> codes, List<String> messages) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      if (error.path("message").isString()) {
        messages.add(error.path("message").asString());
      }
      for (JsonNode item : error.path("errors")) {
        if (item.path("reason").isString()) {
          codes.add(item.path("reason").asString());
        }
      }
    } catch (JacksonException notJson) {
      messages.add(body.length() > 500 ? body.substring(0, 500) : body);
    }
  }

  Verdict verdict() {
    String lower = text.toLowerCase(Locale.ROOT);
    if (hasCode("ZONE_RESOURCE_POOL_EXHAUSTED")
        || hasCode("ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS")
        || lower.contains("does not have enough resources available")) {
      return Verdict.NO_CAPACITY;
    }
    if (hasCode("QUOTA_EXCEEDED") || hasCode("quotaExceeded") || lower.contains("quota '")) {
      return LIMIT_ZERO.matcher(text).find() ? Verdict.QUOTA_ZERO : Verdict.QUOTA;
    }
    if (httpStatus == 409 || hasCode("RESOURCE_ALREADY_EXISTS") || hasCode("alreadyExists")) {
      return Verdict.ALREADY_EXISTS;
    }
    if ((httpStatus == 400 || httpStatus == 404 || hasCode("RESOURCE_NOT_FOUND"))
        && (lower.contains("acceleratortypes")
            || lower.contains("machinetypes")
            || lower.contains("does not exist in zone"))) {
      return Verdict.NOT_OFFERED;
    }
    if (httpStatus == 412 || hasCode("conditionNotMet") || hasCode("CONDITION_NOT_MET")) {
      return Verdict.STALE;
    }
    if (httpStatus == 404) {
      return Verdict.NOT_FOUND;
    }
    if (hasCode("resourceNotReady") || hasCode("RESOURCE_NOT_READY")) {
      return Verdict.NOT_READY;
    }
    if (httpStatus == 429 || httpStatus >= 500 || httpStatus <= 0) {
      return Verdict.TRANSIENT;
    }
    return Verdict.PERMANENT;
  }

  private boolean hasCode(String code) {
    return codes.stream().anyMatch(code::equalsIgnoreCase);
  }

  /** One line for the log and for exception messages. */
  String summary() {
    return httpStatus + (codes.isEmpty() ? "" : " " + String.join(",", codes)) + ": " + text;
  }

  /**
   * The failure of {@code what} as the port's exception, logged: what retrying can fix is
   * transient, the rest permanent. A zone walk reads capacity and offer verdicts itself first.
   */
  ComputeException toException(String what) {
    String message = what + " failed: " + summary();
    log.warn("{} ({})", message, verdict());
    return switch (verdict()) {
      case QUOTA_ZERO ->
          new ComputeException.Permanent(message + " (a quota of 0: ask for a quota raise)", cause);
      case QUOTA, TRANSIENT, NO_CAPACITY, NOT_READY ->
          new ComputeException.Transient(message, cause);
      case ALREADY_EXISTS, NOT_FOUND, NOT_OFFERED, STALE, PERMANENT ->
          new ComputeException.Permanent(message, cause);
    };
  }
}
