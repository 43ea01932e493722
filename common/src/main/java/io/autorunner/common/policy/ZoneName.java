package io.autorunner.common.policy;

import java.util.regex.Pattern;

/**
 * The shape of a GCE zone name ({@code us-central1-a}), which a {@code zone=} label and {@code
 * autorunner.policy.allowed-zones} must both have.
 */
final class ZoneName {

  private static final Pattern ZONE = Pattern.compile("[a-z]+-[a-z]+[0-9]+-[a-z]");

  private ZoneName() {}

  static boolean matches(String zone) {
    return ZONE.matcher(zone).matches();
  }
}
