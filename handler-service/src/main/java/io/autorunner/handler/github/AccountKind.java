package io.autorunner.handler.github;

/** What kind of GitHub account a login names: only organisations have runner groups. */
enum AccountKind {
  ORGANIZATION,
  USER;

  /** From GitHub's {@code type} field: {@code Organization}, else a user (or a bot). */
  static AccountKind ofType(String type) {
    return "Organization".equalsIgnoreCase(type) ? ORGANIZATION : USER;
  }

  static AccountKind of(boolean organization) {
    return organization ? ORGANIZATION : USER;
  }
}
