package io.autorunner.common.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSignatureTest {

  // GitHub's documented test vector ("Validating webhook deliveries").
  private static final String DOCUMENTED_SECRET = "It's a Secret to Everybody";
  private static final byte[] DOCUMENTED_BODY = bytes("Hello, World!");
  private static final String DOCUMENTED_HEADER =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  private final WebhookSignature signature = new WebhookSignature(List.of(DOCUMENTED_SECRET));

  @Test
  void acceptsGitHubsDocumentedVector() {
    assertThat(signature.verify(DOCUMENTED_BODY, DOCUMENTED_HEADER)).isTrue();
  }

  @Test
  void signProducesGitHubsDocumentedHeader() {
    assertThat(WebhookSignature.sign(DOCUMENTED_BODY, DOCUMENTED_SECRET))
        .isEqualTo(DOCUMENTED_HEADER);
  }

  @Test
  void refusesATamperedBody() {
    assertThat(signature.verify(bytes("Hello, World?"), DOCUMENTED_HEADER)).isFalse();
    assertThat(signature.verify(bytes("Hello, World! "), DOCUMENTED_HEADER)).isFalse();
    assertThat(signature.verify(new byte[0], DOCUMENTED_HEADER)).isFalse();
  }

  @Test
  void refusesATamperedSignature() {
    char last = DOCUMENTED_HEADER.charAt(DOCUMENTED_HEADER.length() - 1);
    String tampered =
        DOCUMENTED_HEADER.substring(0, DOCUMENTED_HEADER.length() - 1) + (last == '7' ? '8' : '7');

    assertThat(signature.verify(DOCUMENTED_BODY, tampered)).isFalse();
  }

  @Test
  void refusesABodySignedWithAnotherSecret() {
    String forged = WebhookSignature.sign(DOCUMENTED_BODY, "not the secret");

    assertThat(signature.verify(DOCUMENTED_BODY, forged)).isFalse();
  }

  @Test
  void refusesTheRightHexWithoutItsPrefix() {
    String bareHex = DOCUMENTED_HEADER.substring("sha256=".length());

    assertThat(signature.verify(DOCUMENTED_BODY, bareHex)).isFalse();
    assertThat(signature.verify(DOCUMENTED_BODY, "sha1=" + bareHex)).isFalse();
    assertThat(signature.verify(DOCUMENTED_BODY, "=" + bareHex)).isFalse();
  }

  @Test
  void refusesNonHexDigits() {
    String nonHex = "sha256=" + "g".repeat(64);
    String almostHex = DOCUMENTED_HEADER.substring(0, DOCUMENTED_HEADER.length() - 1) + "z";

    assertThat(signature.verify(DOCUMENTED_BODY, nonHex)).isFalse();
    assertThat(signature.verify(DOCUMENTED_BODY, almostHex)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 62, 63, 65, 128})
  void refusesADigestOfTheWrongLength(int hexDigits) {
    String full = DOCUMENTED_HEADER.substring("sha256=".length());
    String hex = (full + full).substring(0, hexDigits);

    assertThat(signature.verify(DOCUMENTED_BODY, "sha256=" + hex)).isFalse();
  }

  @Test
  void refusesAMissingHeaderOrBody() {
    assertThat(signature.verify(DOCUMENTED_BODY, null)).isFalse();
    assertThat(signature.verify(DOCUMENTED_BODY, "")).isFalse();
    assertThat(signature.verify(null, DOCUMENTED_HEADER)).isFalse();
  }

  @Test
  void acceptsUpperCaseHex() {
    String upperHex =
        "sha256=" + DOCUMENTED_HEADER.substring("sha256=".length()).toUpperCase(Locale.ROOT);

    assertThat(signature.verify(DOCUMENTED_BODY, upperHex)).isTrue();
  }

  @Test
  void acceptsEitherSecretWhileOneIsRotated() {
    WebhookSignature rotating =
        new WebhookSignature(List.of("old-secret-being-retired", DOCUMENTED_SECRET));
    byte[] body = bytes("{\"action\":\"queued\"}");

    assertThat(rotating.verify(DOCUMENTED_BODY, DOCUMENTED_HEADER)).isTrue();
    assertThat(rotating.verify(body, WebhookSignature.sign(body, "old-secret-being-retired")))
        .isTrue();
    assertThat(rotating.verify(body, WebhookSignature.sign(body, DOCUMENTED_SECRET))).isTrue();
    assertThat(rotating.verify(body, WebhookSignature.sign(body, "a third secret"))).isFalse();
  }

  @Test
  void verifiesTheRawBytesNotADecodedString() {
    // GitHub signs the bytes it sends; a body that is not valid UTF-8 must still verify as sent.
    byte[] body = {'{', (byte) 0xC3, (byte) 0x28, '}'};
    String header = WebhookSignature.sign(body, DOCUMENTED_SECRET);
    byte[] roundTripped = new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);

    assertThat(signature.verify(body, header)).isTrue();
    assertThat(Arrays.equals(body, roundTripped)).isFalse();
    assertThat(signature.verify(roundTripped, header)).isFalse();
  }

  @Test
  void needsAtLeastOneNonEmptySecret() {
    assertThatThrownBy(() -> new WebhookSignature(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WebhookSignature(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WebhookSignature(List.of("good", "")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
