package io.autorunner.handler.auth;

import java.util.regex.Pattern;

/** Reads the token out of an {@code Authorization: Bearer ...} header value. */
final class BearerCredential {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private BearerCredential() {}

  /** The token, or a refusal that names what was wrong without echoing the value. */
  static String token(String header) throws CredentialRefused {
    if (header == null || header.isBlank()) {
      throw CredentialRefused.unauthenticated("no Authorization header");
    }
    String[] parts = WHITESPACE.split(header.strip(), 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
      throw CredentialRefused.unauthenticated("Authorization header is not a Bearer credential");
    }
    String token = parts[1].strip();
    if (token.isEmpty() || WHITESPACE.matcher(token).find()) {
      throw CredentialRefused.unauthenticated("malformed Bearer credential");
    }
    return token;
  }
}
