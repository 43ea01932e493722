package io.autorunner.common.config;

/**
 * Checks for configuration records' compact constructors. Plain code rather than Bean Validation: a
 * validator's start-up costs the scheduler hundreds of milliseconds of its cold start, and the
 * message names the key either way.
 */
public final class Require {

  private Require() {}

  public static void that(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  public static String notBlank(String value, String key) {
    that(value != null && !value.isBlank(), key + " is required");
    return value;
  }

  public static int between(int value, int min, int max, String key) {
    that(value >= min && value <= max, key + " must be between " + min + " and " + max);
    return value;
  }
}
