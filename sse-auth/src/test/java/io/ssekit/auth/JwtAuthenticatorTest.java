package io.ssekit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.ssekit.spi.AuthRequest;
import io.ssekit.spi.AuthResult;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.AuthenticatorProvider;
import io.ssekit.spi.Providers;
import io.ssekit.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a token is found, accepted or refused. */
class JwtAuthenticatorTest {
  static final byte[] SECRET =
      "a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
  static final Map<String, Object> SSE =
      Map.of("subscribe", List.of("news/*", "alerts"), "publish", List.of("alerts"));

  final JwtAuthenticator hs = JwtAuthenticator.builder().hs256Secret(SECRET).build();

  static JWTClaimsSet.Builder claims(String subject, Duration validFor) {
    return new JWTClaimsSet.Builder().subject(subject)
        .expirationTime(Date.from(Instant.now().plus(validFor))).claim("sse", SSE);
  }

  static String sign(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet claims)
      throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT)
        .build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  static String hs256(JWTClaimsSet claims) throws Exception {
    return sign(new MACSigner(SECRET), JWSAlgorithm.HS256, claims);
  }

  static AuthResult decide(Authenticator authenticator, AuthRequest request) {
    return authenticator.authenticate(request).toCompletableFuture().join();
  }

  static JwtPrincipal granted(AuthResult result) {
    return (JwtPrincipal) assertInstanceOf(AuthResult.Granted.class, result,
        () -> "granted, but " + result).principal();
  }

  /** A 401 whose challenge says the token is invalid, and which never repeats the token. */
  static void assertInvalid(AuthResult result, String token, String reason) {
    AuthResult.Denied denied = assertInstanceOf(AuthResult.Denied.class, result, reason);
    assertEquals(401, denied.status(), reason);
    assertEquals("Bearer error=\"invalid_token\"", denied.challenge(), reason);
    assertFalse(denied.message().contains(token), "the token is never repeated: " + reason);
    for (String part : token.split("\\.")) {
      if (part.length() > 8) {
        assertFalse(denied.message().contains(part), "no part of the token either: " + reason);
      }
    }
  }

  @Test
  void aValidBearerTokenGrantsItsSubjectWithItsTopicPermissionsUntilItsExpiry() throws Exception {
    JWTClaimsSet set = claims("alice", Duration.ofMinutes(5)).build();
    JwtPrincipal alice = granted(decide(hs, Request.bearer(hs256(set))));

    assertEquals("alice", alice.name());
    assertTrue(alice.maySubscribe("news/sport"));
    assertTrue(alice.maySubscribe("alerts"));
    assertFalse(alice.maySubscribe("billing"));
    assertTrue(alice.mayPublish("alerts"));
    assertFalse(alice.mayPublish("news/sport"));
    assertEquals(Instant.ofEpochSecond(set.getExpirationTime().getTime() / 1000),
        alice.expiresAt().orElseThrow(), "exp, to the second as JWTs carry it");
  }

  @Test
  void theTokenIsTakenFromTheCookieOrTheQueryParameterToo() throws Exception {
    String token = hs256(claims("bob", Duration.ofMinutes(5)).build());
    assertEquals("bob", granted(decide(hs,
        new Request(Map.of(), Map.of("sse_token", token), Map.of()))).name());
    assertEquals("bob", granted(decide(hs,
        new Request(Map.of(), Map.of(), Map.of("token", token)))).name());

    JwtAuthenticator custom = JwtAuthenticator.builder().hs256Secret(SECRET)
        .cookieName("session").build();
    assertEquals("bob", granted(decide(custom,
        new Request(Map.of(), Map.of("session", token), Map.of()))).name());
    assertEquals(401, ((AuthResult.Denied) decide(custom,
        new Request(Map.of(), Map.of("sse_token", token), Map.of()))).status());
  }

  @Test
  void theHeaderComesFirst() throws Exception {
    String good = hs256(claims("header", Duration.ofMinutes(5)).build());
    String other = hs256(claims("cookie", Duration.ofMinutes(5)).build());
    assertEquals("header", granted(decide(hs, new Request(
        Map.of("authorization", "bearer " + good), Map.of("sse_token", other),
        Map.of("token", other)))).name());
  }

  @Test
  void noTokenIsA401WithAPlainBearerChallenge() {
    AuthResult.Denied denied = assertInstanceOf(AuthResult.Denied.class, decide(hs, Request.none()));
    assertEquals(401, denied.status());
    assertEquals("Bearer", denied.challenge());
    assertInstanceOf(AuthResult.Denied.class,
        decide(hs, new Request(Map.of("Authorization", "Bearer "), Map.of(), Map.of())));
  }

  @Test
  void malformedForgedExpiredAndNotYetValidTokensAreRefused() throws Exception {
    assertInvalid(decide(hs, Request.bearer("not-a-jwt")), "not-a-jwt", "malformed");

    String forged = sign(new MACSigner("another-secret-that-is-32-bytes-long!!"
        .getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256,
        claims("mallory", Duration.ofMinutes(5)).build());
    assertInvalid(decide(hs, Request.bearer(forged)), forged, "forged");

    String expired = hs256(claims("late", Duration.ofMinutes(-5)).build());
    assertInvalid(decide(hs, Request.bearer(expired)), expired, "expired");

    String early = hs256(claims("early", Duration.ofMinutes(10))
        .notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(5)))).build());
    assertInvalid(decide(hs, Request.bearer(early)), early, "not yet valid");

    String tampered = hs256(claims("alice", Duration.ofMinutes(5)).build());
    String[] parts = tampered.split("\\.");
    String otherBody = hs256(claims("admin", Duration.ofMinutes(5)).build()).split("\\.")[1];
    String spliced = parts[0] + "." + otherBody + "." + parts[2];
    assertInvalid(decide(hs, Request.bearer(spliced)), spliced, "body swapped");
  }

  @Test
  void subAndExpAreRequired() throws Exception {
    String noSub = hs256(new JWTClaimsSet.Builder()
        .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
    assertInvalid(decide(hs, Request.bearer(noSub)), noSub, "no sub");
    String noExp = hs256(new JWTClaimsSet.Builder().subject("forever").build());
    assertInvalid(decide(hs, Request.bearer(noExp)), noExp, "no exp");
  }

  @Test
  void anUnsignedTokenIsRefused() throws Exception {
    String none = new PlainJWT(claims("alice", Duration.ofMinutes(5)).build()).serialize();
    assertInvalid(decide(hs, Request.bearer(none)), none, "alg none");
  }

  @Test
  void anHs256TokenSignedWithTheRsaPublicKeyIsRefusedByAnRsaConfiguration() throws Exception {
    KeyPair rsa = rsaKeyPair();
    JwtAuthenticator rs = JwtAuthenticator.builder().publicKeyPem(pem(rsa)).build();
    // Algorithm confusion: the public key's bytes used as an HMAC secret.
    String confused = sign(new MACSigner(pem(rsa).getBytes(StandardCharsets.US_ASCII)),
        JWSAlgorithm.HS256, claims("mallory", Duration.ofMinutes(5)).build());
    assertInvalid(decide(rs, Request.bearer(confused)), confused, "HS token, RSA key");

    String genuine = sign(new RSASSASigner((RSAPrivateKey) rsa.getPrivate()), JWSAlgorithm.RS256,
        claims("alice", Duration.ofMinutes(5)).build());
    assertEquals("alice", granted(decide(rs, Request.bearer(genuine))).name());
  }

  @Test
  void es256WithAPemKeyAndBothKindsFromAJwksFile(@TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ec = generator.generateKeyPair();
    String es = sign(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256,
        claims("carol", Duration.ofMinutes(5)).build());
    assertEquals("carol", granted(decide(JwtAuthenticator.builder().publicKeyPem(pem(ec))
        .build(), Request.bearer(es))).name());

    KeyPair rsa = rsaKeyPair();
    Path jwks = dir.resolve("keys.json");
    Files.writeString(jwks, new JWKSet(List.of(
        new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("r1").build(),
        new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).keyID("e1").build()))
        .toString());
    JwtAuthenticator fromSet = JwtAuthenticator.builder().jwksFile(jwks).build();
    assertEquals("carol", granted(decide(fromSet, Request.bearer(es))).name());
    String rs = sign(new RSASSASigner((RSAPrivateKey) rsa.getPrivate()), JWSAlgorithm.RS256,
        claims("dave", Duration.ofMinutes(5)).build());
    assertEquals("dave", granted(decide(fromSet, Request.bearer(rs))).name());
  }

  @Test
  void issuerAndAudienceAreCheckedWhenConfigured() throws Exception {
    JwtAuthenticator strict = JwtAuthenticator.builder().hs256Secret(SECRET)
        .issuer("https://login.example").audience("ssekit").build();
    String right = hs256(claims("alice", Duration.ofMinutes(5)).issuer("https://login.example")
        .audience("ssekit").build());
    assertEquals("alice", granted(decide(strict, Request.bearer(right))).name());

    String wrongIssuer = hs256(claims("alice", Duration.ofMinutes(5)).issuer("https://evil")
        .audience("ssekit").build());
    assertInvalid(decide(strict, Request.bearer(wrongIssuer)), wrongIssuer, "wrong iss");
    String wrongAudience = hs256(claims("alice", Duration.ofMinutes(5))
        .issuer("https://login.example").audience("other").build());
    assertInvalid(decide(strict, Request.bearer(wrongAudience)), wrongAudience, "wrong aud");
  }

  @Test
  void clockSkewIsConfigurable() throws Exception {
    String justExpired = hs256(claims("alice", Duration.ofSeconds(-10)).build());
    assertEquals("alice", granted(decide(hs, Request.bearer(justExpired))).name(),
        "within the default 30 s");
    JwtAuthenticator exact = JwtAuthenticator.builder().hs256Secret(SECRET)
        .clockSkew(Duration.ZERO).build();
    assertInvalid(decide(exact, Request.bearer(justExpired)), justExpired, "no skew");
  }

  @Test
  void anOversizedTokenIsRefusedUnread() throws Exception {
    String huge = hs256(claims("alice", Duration.ofMinutes(5))
        .claim("padding", "x".repeat(10_000)).build());
    assertInvalid(decide(hs, Request.bearer(huge)), huge, "oversized");
  }

  @Test
  void aMalformedSseClaimIsRefusedAndAMissingOneAllowsNothing() throws Exception {
    String bad = hs256(claims("alice", Duration.ofMinutes(5))
        .claim("sse", Map.of("subscribe", List.of("a/*/b"))).build());
    assertInvalid(decide(hs, Request.bearer(bad)), bad, "bad pattern");
    String notList = hs256(claims("alice", Duration.ofMinutes(5))
        .claim("sse", Map.of("subscribe", "news/*")).build());
    assertInvalid(decide(hs, Request.bearer(notList)), notList, "not a list");

    JwtPrincipal nothing = granted(decide(hs, Request.bearer(hs256(new JWTClaimsSet.Builder()
        .subject("guest").expirationTime(Date.from(Instant.now().plusSeconds(60))).build()))));
    assertFalse(nothing.maySubscribe("news/sport"));
    assertFalse(nothing.mayPublish("alerts"));
  }

  @Test
  void configurationMistakesAreNamed() {
    IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
        () -> JwtAuthenticator.builder().hs256Secret(new byte[16]));
    assertTrue(shortSecret.getMessage().contains("at least 32 bytes"), shortSecret.getMessage());
    IllegalStateException noKey = assertThrows(IllegalStateException.class,
        () -> JwtAuthenticator.builder().build());
    assertTrue(noKey.getMessage().contains("hs256Secret"), noKey.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> JwtAuthenticator.builder().publicKeyPem("-----BEGIN PUBLIC KEY-----\n!!\n"));
  }

  @Test
  void theProviderIsFoundByNameAndNamesItsSettings() throws Exception {
    AuthenticatorProvider provider = Providers.find(AuthenticatorProvider.class, "jwt");
    Authenticator fromSettings = provider.create(Settings.of(Map.of(
        "secret", new String(SECRET, StandardCharsets.UTF_8), "cookieName", "session")));
    String token = hs256(claims("alice", Duration.ofMinutes(5)).build());
    assertEquals("alice", granted(decide(fromSettings,
        new Request(Map.of(), Map.of("session", token), Map.of()))).name());

    IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
        () -> provider.create(Settings.of(Map.of("auth.secret", "too-short")).scope("auth")));
    assertTrue(shortSecret.getMessage().startsWith("auth.secret: "), shortSecret.getMessage());
    assertFalse(shortSecret.getMessage().contains("too-short"), "the secret is never shown");
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> provider.create(Settings.of(Map.of()).scope("auth")));
    assertTrue(none.getMessage().contains("auth.secret"), none.getMessage());
  }

  static KeyPair rsaKeyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  static String pem(KeyPair pair) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
