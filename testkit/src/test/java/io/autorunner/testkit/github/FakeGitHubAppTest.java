package io.autorunner.testkit.github;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kohsuke.github.GHAppInstallation;
import org.kohsuke.github.GHAppInstallationToken;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;

/** The App endpoints, read by github-api as the handler's GitHubAppCredentials reads them. */
class FakeGitHubAppTest {

  private final FakeGitHub github = new FakeGitHub();

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void anOrganisationsInstallationTradesForAToken() throws Exception {
    GitHub asApp =
        new GitHubBuilder()
            .withEndpoint(github.baseUrl().toString())
            .withJwtToken("any.jwt.value")
            .build();

    GHAppInstallation installation = asApp.getApp().getInstallationByOrganization("octo-org");
    GHAppInstallationToken token =
        asApp.getApp().getInstallationById(installation.getId()).createToken().create();

    assertThat(installation.getAccount().getLogin()).isEqualTo("octo-org");
    assertThat(token.getToken()).startsWith("ghs_");
    assertThat(token.getExpiresAt()).isInTheFuture();
  }

  @Test
  void aUsersInstallationIsFoundUnderUsers() throws Exception {
    github.userAccount("octocat");
    GitHub asApp =
        new GitHubBuilder()
            .withEndpoint(github.baseUrl().toString())
            .withJwtToken("any.jwt.value")
            .build();

    assertThat(asApp.getApp().getInstallationByUser("octocat").getId()).isPositive();
  }
}
