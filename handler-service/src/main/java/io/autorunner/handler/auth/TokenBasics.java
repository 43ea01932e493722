package io.autorunner.handler.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.autorunner.common.event.UntrustedText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What every Google ID token we accept must say, whoever it names: Google as issuer, our audience,
 * and a time window that includes now. A token failing these is not to be trusted at all (401).
 */
final class TokenBasics {

  /** Google writes both forms into ID tokens. */
  static final Set<String> GOOGLE_ISSUERS =
      Set.of("https://accounts.google.com", "accounts.google.com");

  /** Allowed drift between Google's clock and ours. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  private TokenBasics() {}

  /** Empty when issuer, audience and times hold; else why not. */
  static Optional<CallerCheck.Unauthenticated> refusal(
      JWTClaimsSet claims, String audience, Clock clock) {
    String issuer = claims.getIssuer();
    if (issuer == null || !GOOGLE_ISSUERS.contains(issuer)) {
      return refuse("issuer is not Google: " + claim(issuer));
    }
    List<String> audiences = claims.getAudience();
    if (!audiences.contains(audience)) {
      return refuse("audience " + claim(String.join(",", audiences)) + " is not " + audience);
    }
    Instant now = clock.instant();
    Date expiry = claims.getExpirationTime();
    if (expiry == null) {
      return refuse("token has no expiry");
    }
    if (now.isAfter(expiry.toInstant().plus(CLOCK_SKEW))) {
      return refuse("token expired at " + expiry.toInstant());
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.isBefore(notBefore.toInstant().minus(CLOCK_SKEW))) {
      return refuse("token not valid before " + notBefore.toInstant());
    }
    Date issued = claims.getIssueTime();
    if (issued != null && now.isBefore(issued.toInstant().minus(CLOCK_SKEW))) {
      return refuse("token issued in the future: " + issued.toInstant());
    }
    return Optional.empty();
  }

  /** Claim values are caller input: keep them short and on one line in the log. */
  static String claim(String value) {
    return UntrustedText.printable(value, UntrustedText.Alphabet.ASCII, UntrustedText.MAX);
  }

  static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is required to check callers");
    }
    return value;
  }

  private static Optional<CallerCheck.Unauthenticated> refuse(String reason) {
    return Optional.of(new CallerCheck.Unauthenticated(reason));
  }
}
