package io.autorunner.handler.github;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/** Signs the short-lived JWTs a GitHub App authenticates as itself with. */
final class AppJwt {

  // GitHub refuses App JWTs living longer than 10 minutes; backdating absorbs clock drift.
  private static final Duration BACKDATE = Duration.ofSeconds(60);
  private static final Duration LIFETIME = Duration.ofMinutes(9);

  private final long appId;
  private final PrivateKey privateKey;
  private final Clock clock;

  AppJwt(long appId, PrivateKey privateKey, Clock clock) {
    if (appId <= 0) {
      throw new IllegalArgumentException("autorunner.github.app-id must be positive");
    }
    this.appId = appId;
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  long appId() {
    return appId;
  }

  /**
   * A fresh JWT, issued by the App, valid for nine minutes from a minute ago.
   *
   * @throws IOException when the key cannot sign (github-api's authorisation hook expects this)
   */
  String sign() throws IOException {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(Long.toString(appId))
            .issueTime(Date.from(now.minus(BACKDATE)))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    try {
      jwt.sign(new RSASSASigner(privateKey));
    } catch (JOSEException e) {
      throw new IOException("cannot sign the GitHub App JWT", e);
    }
    return jwt.serialize();
  }

  @Override
  public String toString() {
    return "AppJwt[appId=" + appId + ", privateKey=<secret>]";
  }
}
