package io.autorunner.handler.github;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/** RSA keys for App tests, as GitHub hands them out (PKCS#1 PEM) and as PKCS#8 PEM. */
final class TestKeys {

  private TestKeys() {}

  static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pkcs8Pem(KeyPair keys) {
    return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
  }

  /** {@code BEGIN RSA PRIVATE KEY}: the RSAPrivateKey inside the JDK's PKCS#8 encoding. */
  static String pkcs1Pem(KeyPair keys) {
    return pem("RSA PRIVATE KEY", pkcs1(keys.getPrivate().getEncoded()));
  }

  /** PrivateKeyInfo ::= SEQUENCE { INTEGER, SEQUENCE, OCTET STRING privateKey }. */
  static byte[] pkcs1(byte[] pkcs8) {
    Der outer = new Der(pkcs8, 0);
    int offset = outer.contentStart();
    Der version = new Der(pkcs8, offset);
    Der algorithm = new Der(pkcs8, version.end());
    Der key = new Der(pkcs8, algorithm.end());
    if (outer.tag() != 0x30 || version.tag() != 0x02 || key.tag() != 0x04) {
      throw new IllegalStateException("not a PKCS#8 PrivateKeyInfo");
    }
    return Arrays.copyOfRange(pkcs8, key.contentStart(), key.end());
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** One DER tag-length-value starting at {@code start}. */
  private record Der(byte[] bytes, int start) {
    int tag() {
      return bytes[start] & 0xff;
    }

    int contentStart() {
      int first = bytes[start + 1] & 0xff;
      return start + 2 + (first < 0x80 ? 0 : first & 0x7f);
    }

    int length() {
      int first = bytes[start + 1] & 0xff;
      if (first < 0x80) {
        return first;
      }
      int length = 0;
      for (int i = 0; i < (first & 0x7f); i++) {
        length = (length << 8) | (bytes[start + 2 + i] & 0xff);
      }
      return length;
    }

    int end() {
      return contentStart() + length();
    }
  }
}
