package io.autorunner.common.event;

import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Text from outside (webhook headers and fields, labels, token claims, request paths) is attacker
 * input: before it goes into a log line, an answer or a script it is kept to one short line of
 * harmless characters. This is the one place that rule lives; callers pick how much to keep.
 */
public final class UntrustedText {

  /** What {@link #printable(String)} keeps of a delivery's field. */
  public static final int MAX = 100;

  /** Which characters go out as they are, and what becomes of the others. */
  public enum Alphabet {
    /** Names, ids and paths: ASCII letters, digits and {@code ._/:=-}; anything else {@code ?}. */
    NAMES(c -> isAsciiLetterOrDigit(c) || "._/:=-".indexOf(c) >= 0, c -> "?", "…"),

    /**
     * The label grammar's own characters ({@code ._=-} besides letters and digits); anything else
     * as a {@code \}{@code uXXXX} escape, so a refusal shows what was wrong without carrying it:
     * {@code $(reboot)} or a backtick must not appear verbatim in logs and answers.
     */
    LABEL(c -> isAsciiLetterOrDigit(c) || "._=-".indexOf(c) >= 0, "\\u%04x"::formatted, "…"),

    /**
     * Printable ASCII, space included, for text that is quoted anyway (a script's log line, token
     * claims); anything else {@code ?}, so no newline can forge a log line. Stays ASCII throughout,
     * its ellipsis too: a Windows script is not read as UTF-8.
     */
    ASCII(c -> c >= 0x20 && c < 0x7f, c -> "?", "...");

    private final IntPredicate keeps;
    private final IntFunction<String> replacement;
    private final String ellipsis;

    Alphabet(IntPredicate keeps, IntFunction<String> replacement, String ellipsis) {
      this.keeps = keeps;
      this.replacement = replacement;
      this.ellipsis = ellipsis;
    }

    /**
     * True when {@code text} would come out unchanged: at most {@code max} characters, each kept.
     * Every alphabet keeps ASCII only, so a surrogate is never kept and chars are code points here.
     */
    private boolean keepsAll(String text, int max) {
      if (text.length() > max) {
        return false;
      }
      for (int i = 0; i < text.length(); i++) {
        if (!keeps.test(text.charAt(i))) {
          return false;
        }
      }
      return true;
    }

    private void append(StringBuilder out, int codePoint) {
      if (keeps.test(codePoint)) {
        out.appendCodePoint(codePoint);
      } else {
        out.append(replacement.apply(codePoint));
      }
    }
  }

  private UntrustedText() {}

  /** A delivery's field for a log line: {@link Alphabet#NAMES}, cut at {@value #MAX}. */
  public static String printable(String text) {
    return printable(text, Alphabet.NAMES, MAX);
  }

  /**
   * The text in {@code alphabet}, its first {@code max} characters (code points) and an ellipsis
   * when there were more; null is {@code -}.
   */
  public static String printable(String text, Alphabet alphabet, int max) {
    if (text == null) {
      return "-";
    }
    if (alphabet.keepsAll(text, max)) {
      // Most fields are plain names already; the copy below was ~1.5% of a delivery's CPU.
      return text;
    }
    StringBuilder out = new StringBuilder();
    text.codePoints().limit(max).forEach(c -> alphabet.append(out, c));
    if (text.codePointCount(0, text.length()) > max) {
      out.append(alphabet.ellipsis);
    }
    return out.toString();
  }

  private static boolean isAsciiLetterOrDigit(int c) {
    return c < 0x80 && Character.isLetterOrDigit(c);
  }
}
