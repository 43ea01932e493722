package io.autorunner.testkit.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** An answer: a status, a JSON body (or none) and extra headers. */
public record Response(int status, Object body, Map<String, String> headers) {
  public static Response json(int status, Object body) {
    return new Response(status, body, Map.of());
  }

  public static Response empty(int status) {
    return new Response(status, null, Map.of());
  }

  /** This answer with {@code extra} headers added (an extra one wins over one of the same name). */
  public Response withHeaders(Map<String, String> extra) {
    Map<String, String> merged = new LinkedHashMap<>(headers);
    merged.putAll(extra);
    return new Response(status, body, Map.copyOf(merged));
  }
}
