package io.autorunner.handler.github;

import java.util.Objects;

/**
 * Which runner group organisation runners join and who keeps it right.
 *
 * @param allowLists what the group may admit, no more
 * @param groupName the group's name in every organisation (default {@value #DEFAULT_GROUP_NAME})
 * @param manage true: autorunner creates the group when missing and narrows it when it admits more
 *     than the allow-lists (the App needs "Self-hosted runners: write" on the organisation); false:
 *     it only verifies, and refuses the organisation's jobs when the group is missing or too wide
 */
public record RunnerGroupPolicy(AllowLists allowLists, String groupName, boolean manage) {

  public static final String DEFAULT_GROUP_NAME = "autorunner";

  public RunnerGroupPolicy {
    Objects.requireNonNull(allowLists, "allowLists");
    groupName = groupName == null || groupName.isBlank() ? DEFAULT_GROUP_NAME : groupName.strip();
  }
}
