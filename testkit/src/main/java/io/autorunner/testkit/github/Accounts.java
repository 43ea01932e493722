package io.autorunner.testkit.github;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The accounts behind the fake's repositories: an owner is an organisation unless marked a user
 * account, and its id is derived from its login. Thread-safe.
 */
final class Accounts {

  private final Set<String> users = new HashSet<>(); // lower-case logins

  synchronized void markUser(String login) {
    users.add(login.toLowerCase(Locale.ROOT));
  }

  synchronized boolean isUser(String login) {
    return users.contains(login.toLowerCase(Locale.ROOT));
  }

  /** The account's id, the same for every spelling of its login. */
  static long id(String login) {
    return Math.abs((long) login.toLowerCase(Locale.ROOT).hashCode()) + 1;
  }
}
