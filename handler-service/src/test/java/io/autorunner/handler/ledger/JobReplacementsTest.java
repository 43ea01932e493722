package io.autorunner.handler.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobReplacementsTest {

  @Test
  void countsTheSpentNamesThatWereNotRefunded() {
    JobReplacements replacements = JobReplacements.from(Set.of("a", "b", "c"), Set.of("b", "z"));

    assertThat(replacements).isEqualTo(new JobReplacements(Set.of("a", "b", "c"), 2));
  }

  @Test
  void holdsACopyOfItsNames() {
    Set<String> names = new HashSet<>(Set.of("a"));
    JobReplacements replacements = new JobReplacements(names, 1);

    names.add("b");

    assertThat(replacements.names()).containsExactly("a");
  }

  @Test
  void cannotCountMoreThanItsNames() {
    assertThatThrownBy(() -> new JobReplacements(Set.of("a"), 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JobReplacements(Set.of(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
