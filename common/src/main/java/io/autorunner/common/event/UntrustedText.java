package io.autorunner.common.event;

/**
 * Text from a delivery (headers, action, repository, runner names) is attacker input: before it
 * goes into a log line or an answer it is kept to one short line of harmless characters.
 */
public final class UntrustedText {

  private static final int MAX = 100;

  private UntrustedText() {}

  /** Letters, digits and {@code ._/:=-} kept, anything else {@code ?}, cut at 100; null is "-". */
  public static String printable(String text) {
    if (text == null) {
      return "-";
    }
    String cleaned = text.replaceAll("[^A-Za-z0-9._/:=-]", "?");
    return cleaned.length() > MAX ? cleaned.substring(0, MAX) + "…" : cleaned;
  }
}
