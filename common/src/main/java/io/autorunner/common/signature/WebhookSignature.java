package io.autorunner.common.signature;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies {@code X-Hub-Signature-256}: {@code sha256=} followed by the hex HMAC-SHA256 of the raw
 * body. Several secrets may be valid at once so that a secret can be rotated without dropping
 * deliveries.
 */
public final class WebhookSignature {

  public static final String HEADER = "X-Hub-Signature-256";
  private static final String PREFIX = "sha256=";
  private static final int HEX_LENGTH = 64;

  private final List<byte[]> secrets;

  public WebhookSignature(List<String> secrets) {
    if (secrets == null || secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one webhook secret is required");
    }
    if (secrets.stream().anyMatch(s -> s == null || s.isEmpty())) {
      throw new IllegalArgumentException("a webhook secret must not be empty");
    }
    this.secrets = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /** True when the header is a well-formed signature of the body under any configured secret. */
  public boolean verify(byte[] body, String header) {
    if (body == null || header == null) {
      return false;
    }
    String value = header.trim();
    if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
        || value.length() != PREFIX.length() + HEX_LENGTH) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(value.substring(PREFIX.length()).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    boolean match = false;
    // Check every secret, even after a match, so timing does not tell which secret matched.
    for (byte[] secret : secrets) {
      match |= MessageDigest.isEqual(hmac(secret, body), given);
    }
    return match;
  }

  /** The header value GitHub would send for this body and secret. */
  public static String sign(byte[] body, String secret) {
    return PREFIX + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
  }

  private static byte[] hmac(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
