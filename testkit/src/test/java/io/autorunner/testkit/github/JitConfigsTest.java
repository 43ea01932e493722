package io.autorunner.testkit.github;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitConfigsTest {

  private final String config =
      JitConfigs.encode(1234, "ghr-1-1", 1, "http://127.0.0.1:1", "_work");

  @Test
  void anEncodedConfigIsPlainBase64ThatDecodesToItsRunner() {
    assertThat(config).matches("[A-Za-z0-9+/]+={0,2}");
    assertThat(JitConfigs.runnerId(config)).hasValue(1234);
  }

  @Test
  void textThatIsNotAConfigHasNoRunner() {
    assertThat(JitConfigs.runnerId("QUJD".repeat(30))).isEmpty();
    assertThat(JitConfigs.runnerId("not base64!")).isEmpty();
  }
}
