package io.autorunner.common.naming;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc1035NameTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "ghr-42-1", "ghrwz0-2", "a-b-c9"})
  void lowerCaseNamesStartingWithALetterMatch(String name) {
    assertThat(Rfc1035Name.matches(name)).isTrue();
    assertThat(Rfc1035Name.matches("a" + "b".repeat(62))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1abc", "-abc", "abc-", "Abc", "a_b", "a.b", "a/../b", "a\"b", "a b"})
  void otherNamesDoNot(String name) {
    assertThat(Rfc1035Name.matches(name)).isFalse();
  }

  @Test
  void sixtyFourCharactersAndNullDoNotMatch() {
    assertThat(Rfc1035Name.matches("a".repeat(64))).isFalse();
    assertThat(Rfc1035Name.matches(null)).isFalse();
  }
}
