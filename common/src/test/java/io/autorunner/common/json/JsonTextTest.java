package io.autorunner.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JsonTextTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void plainTextIsCopiedAsItIs() {
    assertThat(JsonText.quoted("ghr-42-1 on acme/models")).isEqualTo("\"ghr-42-1 on acme/models\"");
    assertThat(JsonText.quoted("")).isEqualTo("\"\"");
    assertThat(JsonText.quoted("GPU ü ✓")).isEqualTo("\"GPU ü ✓\"");
  }

  @Test
  void quotesBackslashesAndControlCharactersAreEscapedOnOneLine() {
    assertThat(JsonText.quoted("a \"b\" \\ c\nd\re\tf\u0001\u001f"))
        .isEqualTo("\"a \\\"b\\\" \\\\ c\\nd\\re\\tf\\u0001\\u001f\"");
  }

  @Test
  void anyTextReadsBackAsItself() {
    Random random = new Random(7);
    for (int round = 0; round < 2_000; round++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(40); i > 0; i--) {
        text.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xd7ff)));
      }
      String quoted = JsonText.quoted(text);
      assertThat(quoted).doesNotContain("\n", "\r");
      assertThat(JSON.readValue(quoted, String.class)).isEqualTo(text.toString());
    }
  }

  @Test
  void appendsToWhatIsThere() {
    StringBuilder out = new StringBuilder("{\"k\":");
    assertThat(JsonText.quote(out, "v").append('}').toString()).isEqualTo("{\"k\":\"v\"}");
  }
}
