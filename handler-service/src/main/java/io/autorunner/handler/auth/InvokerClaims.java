package io.autorunner.handler.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The claim rules a Google ID token must meet to be the Cloud Tasks invoker, once its signature is
 * trusted (checked here or by Cloud Run). Untrustworthy tokens (issuer, audience, time) give 401; a
 * trustworthy token of someone else gives 403.
 */
final class InvokerClaims {

  private final String audience;
  private final String invoker;
  private final Clock clock;

  InvokerClaims(String audience, String invoker, Clock clock) {
    this.audience = TokenBasics.requireText(audience, "audience");
    this.invoker = TokenBasics.requireText(invoker, "invoker service account");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  CallerCheck check(JWTClaimsSet claims) {
    Optional<CallerCheck.Unauthenticated> untrusted = TokenBasics.refusal(claims, audience, clock);
    if (untrusted.isPresent()) {
      return untrusted.get();
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
      return new CallerCheck.Forbidden("caller " + TokenBasics.claim(email) + " is not " + invoker);
    }
    if (!emailVerified(claims.getClaim("email_verified"))) {
      return new CallerCheck.Forbidden(
          "email of caller " + TokenBasics.claim(email) + " is not verified");
    }
    return new CallerCheck.Accepted(email);
  }

  private static boolean emailVerified(Object claim) {
    // A boolean in Google's ID tokens; some Google issuers have written it as the string "true".
    return Boolean.TRUE.equals(claim) || "true".equals(claim);
  }
}
