package io.autorunner.common.task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Task ids are derived from the job, so a redelivered webhook names the same task and the queue
 * refuses the second one. A short digest leads the id because Cloud Tasks serves sequential names
 * (ids sharing a long prefix) more slowly than spread ones.
 */
final class TaskIds {

  private TaskIds() {}

  static String of(String key) {
    return digest(key) + "-" + key;
  }

  private static String digest(String key) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
