package io.autorunner.handler.setup;

import java.util.Objects;

/**
 * What GitHub answers a manifest conversion with, the part autorunner keeps. The key and the
 * webhook secret never reach a log or a command line: {@link #toString} leaves them out.
 */
record RegisteredApp(long id, String slug, String htmlUrl, String pem, String webhookSecret) {
  RegisteredApp {
    Objects.requireNonNull(slug, "slug");
    Objects.requireNonNull(htmlUrl, "htmlUrl");
    if (pem == null || !pem.contains("PRIVATE KEY")) {
      throw new IllegalStateException("GitHub's answer carries no private key");
    }
    if (webhookSecret == null || webhookSecret.isEmpty()) {
      throw new IllegalStateException("GitHub's answer carries no webhook secret");
    }
  }

  /** Where the owner installs it on the organisation. */
  String installUrl() {
    return htmlUrl + "/installations/new";
  }

  @Override
  public String toString() {
    return "RegisteredApp[id=" + id + ", slug=" + slug + ", htmlUrl=" + htmlUrl + "]";
  }
}
