package io.autorunner.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.common.event.UntrustedText.Alphabet;
import org.junit.jupiter.api.Test;

class UntrustedTextTest {

  @Test
  void namesKeepTheirCharactersAndLoseTheRest() {
    assertThat(UntrustedText.printable("acme/ml-repo_1.x:a=b")).isEqualTo("acme/ml-repo_1.x:a=b");
    assertThat(UntrustedText.printable("a b\n$(c)")).isEqualTo("a?b???c?");
  }

  @Test
  void nullIsADash() {
    assertThat(UntrustedText.printable(null)).isEqualTo("-");
    assertThat(UntrustedText.printable(null, Alphabet.ASCII, 10)).isEqualTo("-");
  }

  @Test
  void longTextIsCutAtTheLimitWithAnEllipsis() {
    assertThat(UntrustedText.printable("x".repeat(101))).isEqualTo("x".repeat(100) + "…");
    assertThat(UntrustedText.printable("x".repeat(100))).isEqualTo("x".repeat(100));
    assertThat(UntrustedText.printable("y".repeat(11), Alphabet.ASCII, 10))
        .isEqualTo("y".repeat(10) + "...");
  }

  @Test
  void labelAlphabetEscapesWhatIsOutsideTheGrammar() {
    assertThat(UntrustedText.printable("gpu=$(x)`ü", Alphabet.LABEL, 40))
        .isEqualTo("gpu=\\u0024\\u0028x\\u0029\\u0060\\u00fc");
    assertThat(UntrustedText.printable("rocket-🚀", Alphabet.LABEL, 40))
        .isEqualTo("rocket-\\u1f680");
  }

  @Test
  void asciiAlphabetKeepsPrintableAsciiAndFlattensTheRest() {
    assertThat(UntrustedText.printable("$(touch x) `y`\n\u2019é", Alphabet.ASCII, 100))
        .isEqualTo("$(touch x) `y`???");
  }

  @Test
  void theLimitCountsCharactersNotUtf16Units() {
    assertThat(UntrustedText.printable("🚀🚀", Alphabet.NAMES, 2)).isEqualTo("??");
    assertThat(UntrustedText.printable("🚀🚀🚀", Alphabet.NAMES, 2)).isEqualTo("??…");
  }

  @Test
  void aSurrogatePairWithinTheLimitIsStillReplacedWhole() {
    // Two UTF-16 units, well under the limit: neither unit is kept, so the pair is one character.
    assertThat(UntrustedText.printable("a🚀", Alphabet.LABEL, 5)).isEqualTo("a\\u1f680");
    assertThat(UntrustedText.printable("a🚀", Alphabet.NAMES, 3)).isEqualTo("a?");
  }
}
