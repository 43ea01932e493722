package io.autorunner.handler.github;

import java.time.Instant;
import java.util.Optional;

/**
 * The extra label {@code autorunner-minted-<epoch seconds>} every JIT runner is registered with:
 * GitHub keeps no creation time on runners, and without one a name conflict cannot tell a runner
 * left by a failed attempt from one another attempt registered a moment ago and is booting with.
 */
final class MintedLabel {

  static final String PREFIX = "autorunner-minted-";

  private MintedLabel() {}

  static String of(Instant mintedAt) {
    return PREFIX + mintedAt.getEpochSecond();
  }

  static boolean is(String label) {
    return label != null && label.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /** The time in a minted label, empty when the label is not one or is malformed. */
  static Optional<Instant> parse(String label) {
    if (!is(label)) {
      return Optional.empty();
    }
    String seconds = label.substring(PREFIX.length());
    if (seconds.isEmpty()
        || seconds.length() > 12
        || !seconds.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return Optional.of(Instant.ofEpochSecond(Long.parseLong(seconds)));
  }
}
