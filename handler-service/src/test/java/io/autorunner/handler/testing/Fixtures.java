package io.autorunner.handler.testing;

import io.autorunner.handler.github.GitHubProperties;
import java.net.URI;

/** Configuration records as the handler's defaults make them. */
public final class Fixtures {

  private Fixtures() {}

  public static GitHubProperties githubProperties() {
    return new GitHubProperties(
        URI.create("https://api.github.com"),
        "token",
        null,
        null,
        "autorunner",
        true,
        "2.335.1",
        "4ef2f25285f0ae4477f1fe1e346db76d2f3ebf03824e2ddd1973a2819bf6c8cf",
        "eb65c95277af42bcf3778a799c41359d224ba2a67b4de26b7cea1729b09c803d",
        "https://github.com/actions/runner/releases/download/vVERSION/FILE");
  }
}
