package io.autorunner.handler.auth;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the instance identity token a runner VM sends when it asks for its runner: a Google ID
 * token the VM's metadata server mints for its service account with {@code format=full}, so that
 * beside the usual claims it carries {@code google.compute_engine}: project, zone, instance name
 * and id. The signature is checked against Google's keys ({@link #signedByGoogle}) or was checked
 * by Cloud Run IAM ({@link #behindCloudRunIam}); issuer, audience and times as for every token;
 * then the project must be ours and, when the VMs' service account is configured, the token's
 * e-mail (if it carries one) must be that account.
 */
public final class InstanceIdentityVerifier {

  private final TokenClaims tokens;
  private final String audience;
  private final String project;
  private final Optional<String> serviceAccount;
  private final Clock clock;

  private InstanceIdentityVerifier(
      TokenClaims tokens,
      String audience,
      String project,
      Optional<String> serviceAccount,
      Clock clock) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.audience = TokenBasics.requireText(audience, "audience");
    this.project = TokenBasics.requireText(project, "project");
    this.serviceAccount = serviceAccount.map(s -> s.toLowerCase(Locale.ROOT));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Signatures checked here against {@code keys}. */
  public static InstanceIdentityVerifier signedBy(
      JWKSource<SecurityContext> keys,
      String audience,
      String project,
      Optional<String> serviceAccount,
      Clock clock) {
    return new InstanceIdentityVerifier(
        new GoogleSignedTokens(keys), audience, project, serviceAccount, clock);
  }

  /** Signatures checked here against the keys published at {@code jwksUrl}. */
  public static InstanceIdentityVerifier signedByGoogle(
      URI jwksUrl, String audience, String project, Optional<String> serviceAccount, Clock clock) {
    return new InstanceIdentityVerifier(
        GoogleSignedTokens.fetchingKeysFrom(jwksUrl, "autorunner.runner-config.jwks-url"),
        audience,
        project,
        serviceAccount,
        clock);
  }

  /** Signatures checked by Cloud Run IAM, which let the VM's account invoke the handler. */
  public static InstanceIdentityVerifier behindCloudRunIam(
      String audience, String project, Optional<String> serviceAccount, Clock clock) {
    return new InstanceIdentityVerifier(
        new CloudRunVerifiedTokens(), audience, project, serviceAccount, clock);
  }

  public InstanceCheck verify(String authorization, String serverlessAuthorization) {
    try {
      return new InstanceCheck.Verified(
          instance(tokens.read(authorization, serverlessAuthorization)));
    } catch (CredentialRefused refused) {
      return new InstanceCheck.Refused((CallerCheck.Refused) refused.check());
    }
  }

  private InstanceIdentity instance(JWTClaimsSet claims) throws CredentialRefused {
    Optional<CallerCheck.Unauthenticated> untrusted = TokenBasics.refusal(claims, audience, clock);
    if (untrusted.isPresent()) {
      throw new CredentialRefused(untrusted.get());
    }
    Map<String, Object> compute = computeEngine(claims);
    String tokenProject = text(compute, "project_id");
    String zone = text(compute, "zone");
    String name = text(compute, "instance_name");
    String id = text(compute, "instance_id");
    if (!project.equals(tokenProject)) {
      throw new CredentialRefused(
          new CallerCheck.Forbidden(
              "VM of project " + TokenBasics.claim(tokenProject) + ", not of " + project));
    }
    Optional<String> email = email(claims);
    if (serviceAccount.isPresent()
        && email.isPresent()
        && !serviceAccount.get().equals(email.get().toLowerCase(Locale.ROOT))) {
      throw new CredentialRefused(
          new CallerCheck.Forbidden(
              "VM runs as "
                  + TokenBasics.claim(email.get())
                  + ", not as the runners' account "
                  + serviceAccount.get()));
    }
    return new InstanceIdentity(tokenProject, zone, name, id, email);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> computeEngine(JWTClaimsSet claims) throws CredentialRefused {
    Object google = claims.getClaim("google");
    Object compute = google instanceof Map<?, ?> map ? map.get("compute_engine") : null;
    if (!(compute instanceof Map<?, ?>)) {
      throw CredentialRefused.unauthenticated(
          "not an instance identity token with format=full (no google.compute_engine claim)");
    }
    return (Map<String, Object>) compute;
  }

  /** A claim of {@code google.compute_engine}: text, or a number GCE wrote as one. */
  private static String text(Map<String, Object> compute, String key) throws CredentialRefused {
    Object value = compute.get(key);
    if (value instanceof String s && !s.isBlank()) {
      return s;
    }
    if (value instanceof Number n) {
      return n.toString();
    }
    throw CredentialRefused.unauthenticated("instance identity token has no " + key);
  }

  private static Optional<String> email(JWTClaimsSet claims) throws CredentialRefused {
    try {
      return Optional.ofNullable(claims.getStringClaim("email"));
    } catch (ParseException e) {
      throw CredentialRefused.unauthenticated("email claim is not a string");
    }
  }
}
