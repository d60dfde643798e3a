package io.ssekit.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.ssekit.spi.AuthRequest;
import io.ssekit.spi.AuthResult;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An {@link Authenticator} for JWTs, verified by nimbus-jose-jwt.
 *
 * <p><b>Where the token is taken from</b>, first found first: the {@code Authorization: Bearer}
 * header, the cookie {@code sse_token} (name configurable), the query parameter {@code token}.
 *
 * <p><b>What is checked.</b> The signature: HS256 with a shared secret, or RS256/ES256 with
 * public keys (a PEM file, or a local JWKS file); unsigned tokens ({@code alg: none}) and tokens
 * signed with another algorithm than the key's (an HS token against an RSA key) are refused. The
 * claims {@code sub} and {@code exp} are required; {@code exp} and {@code nbf} are checked with
 * the configured clock skew; {@code iss} and {@code aud} when configured. Tokens longer than
 * {@code maxTokenLength} are refused unread.
 *
 * <p><b>Permissions</b> come from the claim {@code sse}: {@code {"subscribe": [patterns],
 * "publish": [patterns]}}, patterns as {@link TopicPatterns}; a token without it may do nothing.
 *
 * <p><b>Stream tickets</b> ({@link #tickets()}) are bought with a token at a ticket endpoint
 * ({@link #exchangeForTicket}; on the Servlet API, {@code io.ssekit.servlet.TicketServlet}). They
 * are accepted only as the {@code token} query parameter of a request that opens a stream ({@link
 * AuthRequest#opensStream()}), once per instance; anywhere else they are refused.
 *
 * <p><b>Answers.</b> No token: {@code 401} with {@code WWW-Authenticate: Bearer}. A malformed,
 * forged, expired or otherwise invalid token: {@code 401} with {@code Bearer
 * error="invalid_token"}. The token never appears in an answer, a message or a log line.
 */
public final class JwtAuthenticator implements Authenticator {
  /** The challenge for a request without a token. */
  static final String MISSING = "Bearer";
  /** The challenge for a request whose token is not valid. */
  static final String INVALID = "Bearer error=\"invalid_token\"";

  private final DefaultJWTProcessor<SecurityContext> processor;
  private final String cookieName;
  private final int maxTokenLength;
  private final StreamTickets tickets;

  private JwtAuthenticator(Builder builder) {
    this.cookieName = builder.cookieName;
    this.maxTokenLength = builder.maxTokenLength;
    this.tickets = new StreamTickets(builder.ticketKey(), builder.ticketLifetime,
        builder.clockSkew);
    this.processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(builder.algorithms,
        builder.keys));
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    if (builder.issuer != null) {
      exact.issuer(builder.issuer);
    }
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
        builder.audience, exact.build(), Set.of("sub", "exp"));
    claims.setMaxClockSkew((int) builder.clockSkew.toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The stream tickets this authenticator issues and accepts. */
  public StreamTickets tickets() {
    return tickets;
  }

  @Override
  public CompletionStage<AuthResult> authenticate(AuthRequest request) {
    return CompletableFuture.completedFuture(decide(request));
  }

  /**
   * What a ticket endpoint does, in plain Java for any HTTP layer: verifies the token of a
   * request's {@code Authorization: Bearer} header and issues a {@link StreamTickets stream
   * ticket} for the topics asked for.
   *
   * <p>Only the header counts, never a cookie (another site's page could make the browser send
   * it) nor a query parameter. The token must be a token, not a ticket, and must not have
   * expired, not even within the clock skew (a stream opened with it would close at once). The
   * ticket may stream the topics asked for, each of which the token must allow, or when none are
   * asked for every topic the token may subscribe to.
   *
   * @param authorization the request's {@code Authorization} header, or {@code null} when it has
   *     none; a credential, never to be logged
   * @param topics the topics asked for, unchecked (a ticket endpoint's {@code topic} query
   *     parameters), or an empty list for all the token's subscribe topics
   * @return the ticket; or {@link TicketExchange.Refused} with {@code 401} (and its challenge)
   *     for a missing, invalid or expired token, or a ticket in its place, {@code 403} for a
   *     topic the token may not subscribe to or a token that may subscribe to none; or {@link
   *     TicketExchange.InvalidTopic} for a topic that is not a valid name. Only a valid token
   *     learns whether its topics are valid.
   */
  public TicketExchange exchangeForTicket(String authorization, List<String> topics) {
    Objects.requireNonNull(topics, "topics");
    Optional<String> token = Optional.ofNullable(authorization)
        .flatMap(JwtAuthenticator::bearerOf).filter(value -> !value.isEmpty());
    AuthResult result = token.isEmpty()
        ? AuthResult.unauthenticated(MISSING, "a token is required")
        : verify(token.get(), false);
    if (result instanceof AuthResult.Denied denied) {
      return new TicketExchange.Refused(denied);
    }
    JwtPrincipal principal = (JwtPrincipal) ((AuthResult.Granted) result).principal();
    if (!principal.expires().isAfter(Instant.now())) {
      return new TicketExchange.Refused(new AuthResult.Denied(401, INVALID,
          "the token has expired; fetch a fresh one"));
    }
    TopicPatterns asked = principal.subscribe();
    if (!topics.isEmpty()) {
      try {
        asked = TopicPatterns.of(List.copyOf(Topics.requireValidSet(topics)));
      } catch (IllegalArgumentException e) {
        return new TicketExchange.InvalidTopic(e.getMessage());
      }
      for (String topic : asked.patterns()) {
        if (!principal.maySubscribe(topic)) {
          return new TicketExchange.Refused(new AuthResult.Denied(403, null,
              "not allowed to subscribe to topic '" + topic + "'"));
        }
      }
    }
    if (asked.patterns().isEmpty()) {
      return new TicketExchange.Refused(new AuthResult.Denied(403, null,
          "the token may not subscribe to any topic"));
    }
    StreamTickets.Ticket ticket = tickets.issue(principal, asked);
    long left = ticket.expiresAt().toEpochMilli() - System.currentTimeMillis();
    long expiresIn = Math.min(tickets.lifetime().toSeconds(), Math.max(0, (left + 999) / 1000));
    return new TicketExchange.Issued(ticket, Duration.ofSeconds(expiresIn));
  }

  private AuthResult decide(AuthRequest request) {
    Optional<Found> found = tokenOf(request);
    if (found.isEmpty()) {
      return AuthResult.unauthenticated(MISSING, "a token is required");
    }
    return verify(found.get().token(), found.get().fromQuery() && request.opensStream());
  }

  /**
   * Verifies {@code token}: a ticket is redeemed when it came as the {@code token} query
   * parameter of a request that opens a stream ({@code streamQuery}), and refused anywhere else.
   */
  private AuthResult verify(String token, boolean streamQuery) {
    if (token.length() > maxTokenLength) {
      return AuthResult.unauthenticated(INVALID, "the token is longer than "
          + maxTokenLength + " characters");
    }
    if (StreamTickets.looksLikeTicket(token)) {
      if (!streamQuery) {
        return AuthResult.unauthenticated(INVALID,
            "a stream ticket is accepted only as the token query parameter of a stream");
      }
      return tickets.redeem(token);
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      return AuthResult.unauthenticated(INVALID, "the token is not a JWT");
    } catch (Exception e) {
      // BadJOSEException (signature, algorithm, claims) or JOSEException: nimbus's messages
      // name the failed check and never contain the token.
      return AuthResult.unauthenticated(INVALID, "the token is not valid: " + e.getMessage());
    }
    try {
      return AuthResult.granted(new JwtPrincipal(claims.getSubject(),
          patterns(claims, "subscribe"), patterns(claims, "publish"),
          claims.getExpirationTime().toInstant()));
    } catch (ParseException | IllegalArgumentException e) {
      return AuthResult.unauthenticated(INVALID, "the token's sse claim is malformed: "
          + e.getMessage());
    }
  }

  /** The request's token, first found first: Bearer header, cookie, query parameter. */
  private Optional<Found> tokenOf(AuthRequest request) {
    Optional<String> header = request.header("Authorization")
        .flatMap(JwtAuthenticator::bearerOf);
    if (header.isPresent()) {
      return header.filter(value -> !value.isEmpty()).map(value -> new Found(value, false));
    }
    Optional<String> cookie = request.cookie(cookieName).filter(value -> !value.isEmpty());
    if (cookie.isPresent()) {
      return cookie.map(value -> new Found(value, false));
    }
    return request.queryParameter("token").filter(value -> !value.isEmpty())
        .map(value -> new Found(value, true));
  }

  /** The credentials of an {@code Authorization: Bearer} header (maybe empty), if it is one. */
  private static Optional<String> bearerOf(String authorization) {
    return authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? Optional.of(authorization.substring(7).trim()) : Optional.empty();
  }

  /** A token and whether it came as the {@code token} query parameter. */
  private record Found(String token, boolean fromQuery) {
    @Override
    public String toString() {
      return "Found[fromQuery=" + fromQuery + "]";
    }
  }

  /** The patterns of the {@code sse} claim's list {@code kind}; none when it is absent. */
  static TopicPatterns patterns(JWTClaimsSet claims, String kind) throws ParseException {
    Map<String, Object> sse = claims.getJSONObjectClaim("sse");
    if (sse == null || sse.get(kind) == null) {
      return TopicPatterns.NONE;
    }
    if (!(sse.get(kind) instanceof List<?> list)) {
      throw new IllegalArgumentException("sse." + kind + " is not a list");
    }
    List<String> patterns = new ArrayList<>();
    for (Object pattern : list) {
      if (!(pattern instanceof String text)) {
        throw new IllegalArgumentException("sse." + kind + " holds a non-string");
      }
      patterns.add(text);
    }
    return TopicPatterns.of(patterns);
  }

  /** Configuration of a {@link JwtAuthenticator}: one kind of key is required. */
  public static final class Builder {
    private JWKSource<SecurityContext> keys;
    private Set<JWSAlgorithm> algorithms;
    private String cookieName = "sse_token";
    private String issuer;
    private String audience;
    private Duration clockSkew = Duration.ofSeconds(30);
    private int maxTokenLength = 8192;
    private byte[] hs256Secret;
    private byte[] ticketSecret;
    private Duration ticketLifetime = Duration.ofSeconds(30);

    private Builder() {}

    /** HS256 with this shared secret, at least 32 bytes. */
    public Builder hs256Secret(byte[] secret) {
      Objects.requireNonNull(secret, "secret");
      if (secret.length < 32) {
        throw new IllegalArgumentException("the HS256 secret must be at least 32 bytes, was "
            + secret.length);
      }
      this.hs256Secret = secret.clone();
      return keys(new ImmutableSecret<>(secret.clone()), Set.of(JWSAlgorithm.HS256));
    }

    /** RS256 or ES256 (P-256) with the public key of a PEM file ({@code BEGIN PUBLIC KEY}). */
    public Builder publicKeyPem(Path file) {
      return publicKeyPem(read(file, "publicKeyFile"));
    }

    /** RS256 or ES256 (P-256) with a PEM public key ({@code BEGIN PUBLIC KEY}). */
    public Builder publicKeyPem(String pem) {
      JWK jwk = jwkOf(parsePem(pem));
      return keys(new ImmutableJWKSet<>(new JWKSet(jwk)), algorithmsOf(List.of(jwk)));
    }

    /** RS256 and ES256 with the public keys of a local JWKS file. */
    public Builder jwksFile(Path file) {
      JWKSet set;
      try {
        set = JWKSet.parse(read(file, "jwksFile"));
      } catch (ParseException e) {
        throw new IllegalArgumentException("jwksFile: not a JWK set: " + e.getMessage(), e);
      }
      if (set.getKeys().isEmpty()) {
        throw new IllegalArgumentException("jwksFile: the set holds no key");
      }
      return keys(new ImmutableJWKSet<>(set.toPublicJWKSet()), algorithmsOf(set.getKeys()));
    }

    /** The cookie a token may come in (default {@code sse_token}). */
    public Builder cookieName(String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("cookieName must be set");
      }
      this.cookieName = value;
      return this;
    }

    /** The {@code iss} every token must have (default: not checked). */
    public Builder issuer(String value) {
      this.issuer = Objects.requireNonNull(value, "issuer");
      return this;
    }

    /** The {@code aud} every token must name (default: not checked). */
    public Builder audience(String value) {
      this.audience = Objects.requireNonNull(value, "audience");
      return this;
    }

    /** How far clocks may disagree when checking {@code exp} and {@code nbf} (default 30 s). */
    public Builder clockSkew(Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException("clockSkew must not be negative, was " + value);
      }
      this.clockSkew = value;
      return this;
    }

    /** Tokens longer than this are refused unread (default 8192 characters). */
    public Builder maxTokenLength(int value) {
      if (value < 64) {
        throw new IllegalArgumentException("maxTokenLength must be at least 64, was " + value);
      }
      this.maxTokenLength = value;
      return this;
    }

    /**
     * How long a stream ticket is valid, in whole seconds (default 30 s); never past the expiry
     * of the token it was issued for.
     */
    public Builder ticketLifetime(Duration value) {
      if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("ticketLifetime must be at least 1s, was " + value);
      }
      this.ticketLifetime = Duration.ofSeconds(value.toSeconds()
          + (value.toNanosPart() > 0 ? 1 : 0));
      return this;
    }

    /**
     * The key that signs stream tickets, at least 32 bytes; give every instance the same one so
     * that a ticket from one opens a stream on another. Default: derived from the HS256 secret;
     * with public keys, a random key of this instance (tickets then work only where they were
     * issued).
     */
    public Builder ticketSecret(byte[] value) {
      Objects.requireNonNull(value, "ticketSecret");
      if (value.length < 32) {
        throw new IllegalArgumentException("ticketSecret must be at least 32 bytes, was "
            + value.length);
      }
      this.ticketSecret = value.clone();
      return this;
    }

    public JwtAuthenticator build() {
      if (keys == null) {
        throw new IllegalStateException("a key is required: hs256Secret, publicKeyPem or "
            + "jwksFile");
      }
      return new JwtAuthenticator(this);
    }

    /** The ticket key: as configured, derived from the HS256 secret, or random. */
    private byte[] ticketKey() {
      if (ticketSecret != null) {
        return ticketSecret;
      }
      if (hs256Secret != null) {
        try {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(new SecretKeySpec(hs256Secret, "HmacSHA256"));
          return mac.doFinal("ssekit stream tickets".getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("HmacSHA256 is not available", e);
        }
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      return random;
    }

    private Builder keys(JWKSource<SecurityContext> source, Set<JWSAlgorithm> allowed) {
      if (keys != null) {
        throw new IllegalStateException("one kind of key only: hs256Secret, publicKeyPem or "
            + "jwksFile");
      }
      this.keys = source;
      this.algorithms = allowed;
      return this;
    }

    private static String read(Path file, String setting) {
      try {
        return Files.readString(file, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new UncheckedIOException(setting + ": cannot read " + file, e);
      }
    }

    private static PublicKey parsePem(String pem) {
      String body = pem.replace("-----BEGIN PUBLIC KEY-----", "")
          .replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
      if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
        throw new IllegalArgumentException("not a PEM public key (BEGIN PUBLIC KEY)");
      }
      byte[] der;
      try {
        der = Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a PEM public key: bad base64", e);
      }
      for (String algorithm : List.of("RSA", "EC")) {
        try {
          return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException notThisKind) {
          // Try the next kind.
        }
      }
      throw new IllegalArgumentException("not an RSA or EC public key");
    }

    private static JWK jwkOf(PublicKey key) {
      if (key instanceof RSAPublicKey rsa) {
        return new RSAKey.Builder(rsa).build();
      }
      ECPublicKey ec = (ECPublicKey) key;
      Curve curve = Curve.forECParameterSpec(ec.getParams());
      if (!Curve.P_256.equals(curve)) {
        throw new IllegalArgumentException("an EC key must be on P-256 (ES256), was " + curve);
      }
      return new ECKey.Builder(curve, ec).build();
    }

    private static Set<JWSAlgorithm> algorithmsOf(List<JWK> keys) {
      Set<JWSAlgorithm> algorithms = new HashSet<>();
      for (JWK key : keys) {
        if (key instanceof RSAKey) {
          algorithms.add(JWSAlgorithm.RS256);
        } else if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
          algorithms.add(JWSAlgorithm.ES256);
        } else {
          throw new IllegalArgumentException("only RSA and P-256 EC keys are supported, not "
              + key.getKeyType() + (key instanceof ECKey ec ? " " + ec.getCurve() : ""));
        }
      }
      return Set.copyOf(algorithms);
    }
  }
}
