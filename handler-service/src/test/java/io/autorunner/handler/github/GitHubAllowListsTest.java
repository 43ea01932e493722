package io.autorunner.handler.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The allow-lists mean what the scheduler's RoutingRules.allows means. */
class GitHubAllowListsTest {

  @Test
  void withNoListsEveryOwnerIsAdmittedWhole() {
    AllowLists none = new AllowLists(null, List.of(), false);

    assertThat(none.admitsEveryone()).isTrue();
    assertThat(none.admitsEveryRepositoryOf("anyone")).isTrue();
  }

  @Test
  void withBothListsEitherAdmits() {
    AllowLists both = new AllowLists(List.of("Acme"), List.of("beta/App"), false);

    assertThat(both.admitsEveryRepositoryOf("acme")).isTrue();
    assertThat(both.admitsEveryRepositoryOf("beta")).isFalse();
    assertThat(both.repositoriesOf("BETA")).containsExactly("beta/app");
    assertThat(both.admitsAnyRepositoryOf("gamma")).isFalse();
    assertThat(both.namedOwners()).containsExactly("acme", "beta");
  }

  @Test
  void withOnlyRepositoriesNoOwnerIsAdmittedWhole() {
    AllowLists repositories = new AllowLists(List.of(), List.of("acme/app"), false);

    assertThat(repositories.admitsEveryRepositoryOf("acme")).isFalse();
    assertThat(repositories.admitsAnyRepositoryOf("acme")).isTrue();
  }

  @Test
  void anAllowedRepositoryMustBeOwnerSlashName() {
    assertThatThrownBy(() -> new AllowLists(List.of(), List.of("acme"), false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
