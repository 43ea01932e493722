package io.autorunner.handler.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autorunner.common.config.MissingConfigurationException;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.system.GitHubConfiguration;
import java.net.URI;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class GitHubCredentialsTest {

  private static final JobRef JOB = new JobRef(42, 7, 1, "acme/app", "acme", null);

  @Test
  void anAppIdSelectsTheApp() {
    GitHubCredentials credentials =
        new GitHubConfiguration()
            .gitHubCredentials(
                properties("ignored-token", 99L, TestKeys.pkcs1Pem(TestKeys.rsa())),
                Clock.systemUTC());

    assertThat(credentials).isInstanceOf(GitHubAppCredentials.class);
  }

  @Test
  void aTokenAloneIsUsedAsIs() {
    GitHubCredentials credentials =
        new GitHubConfiguration()
            .gitHubCredentials(properties("ghp_abc", null, null), Clock.systemUTC());

    assertThat(credentials.token(JOB)).isEqualTo("ghp_abc");
    assertThat(credentials.toString()).doesNotContain("ghp_abc");
  }

  @Test
  void anAppWithoutAKeyIsRefused() {
    assertThatThrownBy(
            () ->
                new GitHubConfiguration()
                    .gitHubCredentials(properties(null, 99L, " "), Clock.systemUTC()))
        .isInstanceOf(MissingConfigurationException.class)
        .hasMessageContaining("autorunner.github.app-private-key");
  }

  @Test
  void neitherAppNorTokenIsRefused() {
    assertThatThrownBy(
            () ->
                new GitHubConfiguration()
                    .gitHubCredentials(properties(" ", null, null), Clock.systemUTC()))
        .isInstanceOf(MissingConfigurationException.class)
        .hasMessageContaining("autorunner.github.token");
  }

  private static GitHubProperties properties(String token, Long appId, String key) {
    return new GitHubProperties(
        URI.create("http://127.0.0.1:1"),
        token,
        appId,
        key,
        "autorunner",
        true,
        "2.335.1",
        "4ef2f25285f0ae4477f1fe1e346db76d2f3ebf03824e2ddd1973a2819bf6c8cf",
        null,
        "https://github.com/actions/runner/releases/download/vVERSION/FILE");
  }
}
