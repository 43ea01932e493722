package io.autorunner.handler.github;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a GitHub App private key as users supply it: PEM content or a path to a PEM file, PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}, how GitHub hands keys out) or PKCS#8 ({@code BEGIN PRIVATE KEY}).
 * Error messages never quote the key.
 */
public final class AppPrivateKeys {

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  /** AlgorithmIdentifier for rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private AppPrivateKeys() {}

  /**
   * @param pemOrPath PEM content (literal {@code \n} escapes, as environment variables often carry
   *     them, are accepted) or the path of a PEM file
   * @throws IllegalArgumentException when no RSA private key can be read
   */
  public static PrivateKey read(String pemOrPath) {
    if (pemOrPath == null || pemOrPath.isBlank()) {
      throw new IllegalArgumentException("autorunner.github.app-private-key is empty");
    }
    String pem = pemOrPath.contains("-----BEGIN") ? pemOrPath : readFile(pemOrPath.strip());
    return parse(pem.replace("\\n", "\n"));
  }

  private static String readFile(String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      // The value is neither PEM content nor a readable file; do not echo it, it may be a
      // mangled key.
      throw new IllegalArgumentException(
          "autorunner.github.app-private-key is neither PEM content nor a readable PEM file", e);
    }
  }

  private static PrivateKey parse(String pem) {
    Matcher matcher = PEM.matcher(pem);
    if (!matcher.find()) {
      throw new IllegalArgumentException(
          "autorunner.github.app-private-key holds no complete PEM block");
    }
    String type = matcher.group(1);
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(matcher.group(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "autorunner.github.app-private-key: the PEM body is not valid base64");
    }
    byte[] pkcs8 =
        switch (type) {
          case "RSA PRIVATE KEY" -> wrapPkcs1(der);
          case "PRIVATE KEY" -> der;
          default ->
              throw new IllegalArgumentException(
                  "autorunner.github.app-private-key: unsupported PEM type '"
                      + type
                      + "' (expected RSA PRIVATE KEY or PRIVATE KEY, unencrypted)");
        };
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "autorunner.github.app-private-key is not a valid RSA private key");
    }
  }

  /**
   * Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0,
   * AlgorithmIdentifier rsaEncryption, OCTET STRING pkcs1 }. The JDK reads only the latter.
   */
  static byte[] wrapPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04);
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(derLength(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
    byte[] out = new byte[bytes + 1];
    out[0] = (byte) (0x80 | bytes);
    for (int i = 0; i < bytes; i++) {
      out[bytes - i] = (byte) (length >>> (8 * i));
    }
    return out;
  }
}
