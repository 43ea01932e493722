package io.autorunner.common.naming;

import java.util.regex.Pattern;

/**
 * The RFC 1035 label: what GCE accepts as an instance name, and so what every VM and runner name
 * is. It also keeps a name safe to quote in a list filter, to use as a file name and to put in a
 * script. The one place this rule lives.
 */
public final class Rfc1035Name {

  /**
   * A lower-case letter, then lower-case letters, digits and dashes, not ending in a dash; ≤ 63.
   */
  public static final Pattern PATTERN = Pattern.compile("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?");

  private Rfc1035Name() {}

  /** True when {@code name} is an RFC 1035 label; false for null. */
  public static boolean matches(String name) {
    return name != null && PATTERN.matcher(name).matches();
  }
}
