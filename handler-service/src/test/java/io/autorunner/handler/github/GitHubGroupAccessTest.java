package io.autorunner.handler.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a group as GitHub has it compares with the group the allow-lists call for. */
class GitHubGroupAccessTest {

  private static final GroupAccess ONLY_APP =
      GroupAccess.wanted(false, Map.of(11L, "acme/app"), false);

  @Test
  void aGroupForEveryRepositoryAdmitsMoreThanSelectedOnes() {
    GroupAccess.Differences differences =
        GroupAccess.compare(new GroupAccess("all", Map.of(), false), ONLY_APP);

    assertThat(differences.wider()).containsExactly("every repository of the organisation");
  }

  @Test
  void aPrivateGroupAdmitsMoreThanSelectedRepositories() {
    assertThat(GroupAccess.compare(new GroupAccess("private", Map.of(), false), ONLY_APP).wider())
        .containsExactly("every private repository of the organisation");
  }

  @Test
  void aVisibilityGitHubAddsLaterCountsAsAdmittingMore() {
    assertThat(
            GroupAccess.compare(
                    new GroupAccess("everyone", Map.of(), false),
                    GroupAccess.wanted(true, Map.of(), false))
                .wider())
        .singleElement()
        .asString()
        .contains("'everyone'");
  }

  @Test
  void extraRepositoriesAreWiderAndMissingOnesNarrower() {
    GroupAccess.Differences differences =
        GroupAccess.compare(
            new GroupAccess("selected", Map.of(99L, "acme/secret"), false), ONLY_APP);

    assertThat(differences.wider())
        .containsExactly("repositories that are not allow-listed: acme/secret");
    assertThat(differences.narrower()).containsExactly("not the allow-listed acme/app");
  }

  @Test
  void publicRepositoriesTheListsDoNotAllowAreWider() {
    assertThat(
            GroupAccess.compare(
                    new GroupAccess("selected", Map.of(11L, "acme/app"), true), ONLY_APP)
                .wider())
        .containsExactly("public repositories");
  }

  @Test
  void theExactGroupDiffersInNothing() {
    GroupAccess.Differences differences =
        GroupAccess.compare(new GroupAccess("SELECTED", Map.of(11L, "acme/app"), false), ONLY_APP);

    assertThat(differences.wider()).isEmpty();
    assertThat(differences.narrower()).isEmpty();
  }
}
