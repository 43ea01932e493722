package io.autorunner.common.json;

/**
 * A JSON string literal of any text: quotes, backslashes and every control character escaped, so
 * untrusted text (labels, repository names, error messages) stays inside its string and on one
 * line. Everything else is copied in runs rather than a character at a time: a log line is written
 * for every webhook, and Spring's general JSON writer spent more of a delivery on that than on the
 * signature check (perf under bench/frontdoor.sh).
 */
public final class JsonText {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** Appends {@code text} as a quoted JSON string to {@code out}. */
  public static StringBuilder quote(StringBuilder out, CharSequence text) {
    out.append('"');
    int length = text.length();
    int run = 0;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(text, run, i);
      run = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.append(text, run, length).append('"');
  }

  /** {@code text} as a quoted JSON string. */
  public static String quoted(CharSequence text) {
    return quote(new StringBuilder(text.length() + 2), text).toString();
  }
}
