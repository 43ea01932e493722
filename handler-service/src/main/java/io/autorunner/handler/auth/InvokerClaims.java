package io.autorunner.handler.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import io.autorunner.common.event.UntrustedText;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The claim rules a Google ID token must meet to be the Cloud Tasks invoker, once its signature is
 * trusted (checked here or by Cloud Run). Untrustworthy tokens (issuer, audience, time) give 401; a
 * trustworthy token of someone else gives 403.
 */
final class InvokerClaims {

  /** Google writes both forms into ID tokens. */
  static final Set<String> GOOGLE_ISSUERS =
      Set.of("https://accounts.google.com", "accounts.google.com");

  /** Allowed drift between Google's clock and ours. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  private final String audience;
  private final String invoker;
  private final Clock clock;

  InvokerClaims(String audience, String invoker, Clock clock) {
    this.audience = requireText(audience, "audience");
    this.invoker = requireText(invoker, "invoker service account");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  CallerCheck check(JWTClaimsSet claims) {
    String issuer = claims.getIssuer();
    if (issuer == null || !GOOGLE_ISSUERS.contains(issuer)) {
      return new CallerCheck.Unauthenticated("issuer is not Google: " + claim(issuer));
    }
    List<String> audiences = claims.getAudience();
    if (!audiences.contains(audience)) {
      return new CallerCheck.Unauthenticated(
          "audience " + claim(String.join(",", audiences)) + " is not " + audience);
    }
    Instant now = clock.instant();
    Date expiry = claims.getExpirationTime();
    if (expiry == null) {
      return new CallerCheck.Unauthenticated("token has no expiry");
    }
    if (now.isAfter(expiry.toInstant().plus(CLOCK_SKEW))) {
      return new CallerCheck.Unauthenticated("token expired at " + expiry.toInstant());
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.isBefore(notBefore.toInstant().minus(CLOCK_SKEW))) {
      return new CallerCheck.Unauthenticated("token not valid before " + notBefore.toInstant());
    }
    Date issued = claims.getIssueTime();
    if (issued != null && now.isBefore(issued.toInstant().minus(CLOCK_SKEW))) {
      return new CallerCheck.Unauthenticated("token issued in the future: " + issued.toInstant());
    }

    String email;
    try {
      email = claims.getStringClaim("email");
    } catch (ParseException e) {
      return new CallerCheck.Unauthenticated("email claim is not a string");
    }
    if (email == null) {
      return new CallerCheck.Forbidden("token carries no email, expected " + invoker);
    }
    // Service account e-mails are lower case; compare as e-mail addresses are compared in practice.
    if (!email.toLowerCase(Locale.ROOT).equals(invoker.toLowerCase(Locale.ROOT))) {
      return new CallerCheck.Forbidden("caller " + claim(email) + " is not " + invoker);
    }
    if (!emailVerified(claims.getClaim("email_verified"))) {
      return new CallerCheck.Forbidden("email of caller " + claim(email) + " is not verified");
    }
    return new CallerCheck.Accepted(email);
  }

  private static boolean emailVerified(Object claim) {
    // A boolean in Google's ID tokens; some Google issuers have written it as the string "true".
    return Boolean.TRUE.equals(claim) || "true".equals(claim);
  }

  /** Claim values are caller input: keep them short and on one line in the log. */
  private static String claim(String value) {
    return UntrustedText.printable(value, UntrustedText.Alphabet.ASCII, UntrustedText.MAX);
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is required to check callers");
    }
    return value;
  }
}
