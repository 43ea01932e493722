package io.autorunner.handler.github;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What verifying an organisation's runner group found, readable as one report line.
 *
 * @param groupId the group JIT runners of the organisation join; empty when refused or unknown
 * @param detail what the group admits, what was changed, or why it is refused and what to do
 */
public record GroupCheck(
    String organization, Outcome outcome, OptionalLong groupId, String groupName, String detail) {

  public enum Outcome {
    /** The group admits no more than the allow-lists. */
    OK,
    /** The group was missing and autorunner created it admitting exactly the allow-lists. */
    CREATED,
    /** The group admitted more than the allow-lists and autorunner narrowed it to them. */
    CORRECTED,
    /** No runner may be registered for the organisation: {@code detail} says why. */
    REFUSED,
    /** GitHub could not be asked (5xx, rate limit, network): nothing is known; ask again. */
    UNAVAILABLE,
    /** A user account: its repositories get repository runners, which have no groups. */
    NOT_AN_ORGANIZATION
  }

  public GroupCheck {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(outcome, "outcome");
    groupId = groupId == null ? OptionalLong.empty() : groupId;
    boolean usable =
        outcome == Outcome.OK || outcome == Outcome.CREATED || outcome == Outcome.CORRECTED;
    if (usable != groupId.isPresent()) {
      throw new IllegalArgumentException(
          outcome + " " + (usable ? "needs" : "has no") + " a group");
    }
  }

  /** A check whose group runners of the organisation may join. */
  static GroupCheck usable(
      String organization, Outcome outcome, long groupId, String groupName, String detail) {
    return new GroupCheck(organization, outcome, OptionalLong.of(groupId), groupName, detail);
  }

  /** A check leaving the organisation without a group, {@code why} saying what to do. */
  static GroupCheck notUsable(String organization, Outcome outcome, String groupName, String why) {
    return new GroupCheck(organization, outcome, OptionalLong.empty(), groupName, why);
  }

  /** True when runners of the organisation may join {@link #groupId()}. */
  public boolean usable() {
    return groupId.isPresent();
  }

  @Override
  public String toString() {
    return organization
        + ": "
        + outcome
        + " runner group '"
        + groupName
        + "'"
        + (groupId.isPresent() ? " (id " + groupId.getAsLong() + ")" : "")
        + (detail == null || detail.isEmpty() ? "" : ": " + detail);
  }
}
