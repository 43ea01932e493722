package io.autorunner.handler.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppPrivateKeysTest {

  private static KeyPair keys;

  @BeforeAll
  static void generateKey() {
    keys = TestKeys.rsa();
  }

  @Test
  void readsPkcs1PemAsGitHubHandsItOut() throws Exception {
    PrivateKey key = AppPrivateKeys.read(TestKeys.pkcs1Pem(keys));

    assertThat(key.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    assertSignsForThePublicKey(key);
  }

  @Test
  void readsPkcs8Pem() throws Exception {
    PrivateKey key = AppPrivateKeys.read(TestKeys.pkcs8Pem(keys));

    assertSignsForThePublicKey(key);
  }

  @Test
  void readsPemFromAFilePath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("app.private-key.pem");
    Files.writeString(file, TestKeys.pkcs1Pem(keys));

    PrivateKey key = AppPrivateKeys.read(file.toString());

    assertSignsForThePublicKey(key);
  }

  @Test
  void readsPemWhoseNewlinesArrivedAsBackslashNEscapes() throws Exception {
    String escaped = TestKeys.pkcs1Pem(keys).replace("\n", "\\n");

    assertSignsForThePublicKey(AppPrivateKeys.read(escaped));
  }

  @Test
  void refusesAMissingFileWithoutEchoingTheValue() {
    assertThatThrownBy(() -> AppPrivateKeys.read("/no/such/key-file.pem"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither PEM content nor a readable PEM file")
        .hasMessageNotContaining("key-file");
  }

  @Test
  void refusesEncryptedKeys() {
    String encrypted = TestKeys.pkcs8Pem(keys).replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY");

    assertThatThrownBy(() -> AppPrivateKeys.read(encrypted))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported PEM type 'ENCRYPTED PRIVATE KEY'");
  }

  @Test
  void refusesGarbageInsideAPemBlockWithoutQuotingIt() {
    String garbage = "-----BEGIN RSA PRIVATE KEY-----\nQUJDREVGRw==\n-----END RSA PRIVATE KEY-----";

    assertThatThrownBy(() -> AppPrivateKeys.read(garbage))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid RSA private key")
        .hasMessageNotContaining("QUJDREVGRw");
  }

  private static void assertSignsForThePublicKey(PrivateKey key) throws Exception {
    byte[] data = "runner".getBytes();
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(key);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(keys.getPublic());
    verifier.update(data);
    assertThat(verifier.verify(signature)).isTrue();
  }
}
