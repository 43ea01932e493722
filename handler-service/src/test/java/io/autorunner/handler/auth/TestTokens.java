package io.autorunner.handler.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;

/** Google-shaped ID tokens signed with keys made in the test. */
final class TestTokens {

  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final String AUDIENCE = "https://handler-abc123-uc.a.run.app";
  static final String INVOKER = "tasks-invoker@my-project.iam.gserviceaccount.com";

  private TestTokens() {}

  static RSAKey rsaKey(String keyId) {
    try {
      return new RSAKeyGenerator(2048)
          .keyID(keyId)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public half, as Google publishes it. */
  static String jwks(RSAKey... keys) {
    JWKSet set =
        new JWKSet(
            java.util.Arrays.stream(keys)
                .map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK())
                .toList());
    return set.toString(true);
  }

  /** What Cloud Tasks sends for the invoker: valid at {@link #NOW} for the next hour. */
  static JWTClaimsSet.Builder invokerClaims() {
    return new JWTClaimsSet.Builder()
        .issuer("https://accounts.google.com")
        .audience(AUDIENCE)
        .subject("112233445566778899")
        .claim("azp", "112233445566778899")
        .claim("email", INVOKER)
        .claim("email_verified", true)
        .issueTime(Date.from(NOW.minusSeconds(60)))
        .expirationTime(Date.from(NOW.plusSeconds(3540)));
  }

  static String sign(RSAKey key, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .keyID(key.getKeyID())
                  .type(JOSEObjectType.JWT)
                  .build(),
              claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String signHs256(byte[] secret, String keyId, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build(), claims);
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What Cloud Run hands the container after checking a token: the signature replaced. */
  static String stripped(String token, String signatureReplacement) {
    return token.substring(0, token.lastIndexOf('.')) + signatureReplacement;
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }
}
