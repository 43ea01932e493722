package io.autorunner.handler.handout;

import java.util.Objects;

/**
 * What a VM that asked for its runner gets: 200 with the encoded JIT config as the whole body, or a
 * refusal with a fixed word (the reason is in our log, not handed to whoever knocked).
 *
 * @param status the HTTP status
 * @param body the config (200: a secret, never logged) or the refusal's word
 * @param reason for the log; never the config or a token
 */
record HandoutAnswer(int status, String body, String reason) {
  HandoutAnswer {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(reason, "reason");
  }

  static HandoutAnswer config(String encodedJitConfig, String reason) {
    return new HandoutAnswer(200, encodedJitConfig, reason);
  }

  /** 401: the token is not to be trusted. */
  static HandoutAnswer unauthenticated(String reason) {
    return new HandoutAnswer(401, "unauthenticated", reason);
  }

  /** 403: a genuine VM token, but not of a VM that may have a runner. */
  static HandoutAnswer forbidden(String reason) {
    return new HandoutAnswer(403, "forbidden", reason);
  }

  /** 409: the VM had its runner already, or is being retired. Final. */
  static HandoutAnswer spent(String reason) {
    return new HandoutAnswer(409, "no runner for this VM", reason);
  }

  /** 503: try again shortly (the VM's script retries). */
  static HandoutAnswer retryLater(String reason) {
    return new HandoutAnswer(503, "retry later", reason);
  }

  boolean handedOut() {
    return status == 200;
  }
}
