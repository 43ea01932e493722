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
  void theRunnerIsFoundInARenderedBashScript() {
    String script = "#!/bin/bash\nreadonly GPU='0'\nJIT_CONFIG='" + config + "'\nexport X\n";

    assertThat(JitConfigs.runnerIdInScript(script)).hasValue(1234);
  }

  @Test
  void theRunnerIsFoundInARenderedPowerShellScript() {
    String script = "$Gpu = '0'\r\n$JitConfig = '" + config + "'\r\n";

    assertThat(JitConfigs.runnerIdInScript(script)).hasValue(1234);
  }

  @Test
  void aScriptWithoutAConfigHasNoRunner() {
    assertThat(JitConfigs.runnerIdInScript("#!/bin/bash\necho '" + "QUJD".repeat(30) + "'"))
        .isEmpty();
    assertThat(JitConfigs.runnerId("not base64!")).isEmpty();
  }
}
