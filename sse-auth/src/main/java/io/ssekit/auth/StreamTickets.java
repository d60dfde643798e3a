package io.ssekit.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.ssekit.spi.AuthResult;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Short-lived, single-use, subscribe-only stream tickets, for clients that cannot send a header
 * or a cookie with their stream request (a browser's {@code EventSource} across origins).
 *
 * <p>A ticket is a JWT of its own type ({@code typ: ssekit-ticket+jwt}), signed HS256 with the
 * ticket key, which is not the key of ordinary tokens: a ticket never passes as a token, nor a
 * token as a ticket. It carries the subject, the topic patterns it may stream (those of the token
 * that asked for it, or fewer), its own expiry ({@code ticketLifetime}, never past the token's)
 * and the token's expiry, which is when a stream opened with it is closed.
 *
 * <p><b>Single use.</b> Each instance remembers the tickets redeemed on it until they expire, and
 * refuses them a second time. It remembers at most {@value #MAX_REMEMBERED}; while that many
 * unexpired tickets have been used on it within their lifetime, further redemptions are refused
 * with {@code 401} until the oldest expire, so memory stays bounded. Instances that share the
 * ticket key accept each other's tickets, so a ticket fetched from one instance opens a stream on
 * another; there, it can be used once more at most, within its few seconds. Keep {@code
 * ticketLifetime} short.
 *
 * <p><b>Where they are issued and redeemed.</b> A ticket endpoint issues them through {@link
 * JwtAuthenticator#exchangeForTicket} (on the Servlet API, {@code io.ssekit.servlet.TicketServlet}
 * does); {@link JwtAuthenticator#authenticate} redeems them. Neither knows an HTTP layer.
 *
 * <p>Thread-safe.
 */
public final class StreamTickets {
  /** The JOSE type of a ticket. */
  static final JOSEObjectType TYPE = new JOSEObjectType("ssekit-ticket+jwt");

  /** The claim holding the expiry (epoch seconds) of the token a ticket was issued for. */
  private static final String TOKEN_EXPIRY = "token_exp";

  private static final long PURGE_EVERY_MILLIS = 1000;

  /** Redeemed tickets an instance remembers at most; beyond, redemptions wait for room. */
  static final int MAX_REMEMBERED = 100_000;

  private final MACSigner signer;
  private final DefaultJWTProcessor<SecurityContext> processor;
  private final Duration lifetime;
  private final long clockSkewMillis;
  private final SecureRandom random = new SecureRandom();
  /** Redeemed ticket ids, with the epoch millisecond after which they may be forgotten. */
  private final Map<String, Long> redeemed = new ConcurrentHashMap<>();
  private final AtomicLong nextPurge = new AtomicLong();
  private final int maxRemembered;

  StreamTickets(byte[] key, Duration lifetime, Duration clockSkew) {
    this(key, lifetime, clockSkew, MAX_REMEMBERED);
  }

  StreamTickets(byte[] key, Duration lifetime, Duration clockSkew, int maxRemembered) {
    this.maxRemembered = maxRemembered;
    try {
      this.signer = new MACSigner(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("ticketSecret: " + e.getMessage(), e);
    }
    this.lifetime = lifetime;
    this.clockSkewMillis = clockSkew.toMillis();
    this.processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPE));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
        new ImmutableSecret<>(key.clone())));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(null,
        null, Set.of("sub", "exp", "jti", TOKEN_EXPIRY));
    claims.setMaxClockSkew((int) clockSkew.toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  /** How long a ticket is valid (at most: never past the token it was issued for). */
  public Duration lifetime() {
    return lifetime;
  }

  /**
   * A ticket for {@code principal} that may stream the topics of {@code topics}, which the caller
   * has checked are within the principal's own.
   */
  public Ticket issue(JwtPrincipal principal, TopicPatterns topics) {
    Objects.requireNonNull(principal, "principal");
    if (topics.patterns().isEmpty()) {
      throw new IllegalArgumentException("a ticket needs at least one topic pattern");
    }
    long nowMillis = System.currentTimeMillis();
    long tokenExpiry = principal.expires().getEpochSecond();
    // JWTs count whole seconds: round up, so that a ticket lives at least its lifetime.
    long ceiling = Math.floorDiv(nowMillis + lifetime.toMillis() + 999, 1000);
    Instant expires = Instant.ofEpochSecond(Math.min(ceiling, tokenExpiry));
    byte[] id = new byte[16];
    random.nextBytes(id);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(principal.name())
        .issueTime(new Date(nowMillis))
        .expirationTime(Date.from(expires))
        .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(id))
        .claim(TOKEN_EXPIRY, tokenExpiry)
        .claim("sse", Map.of("subscribe", topics.patterns()))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(TYPE).build(),
        claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a ticket failed: " + e.getMessage(), e);
    }
    return new Ticket(jwt.serialize(), expires);
  }

  /** Whether {@code token} is shaped as a ticket (not whether it is a valid one). */
  static boolean looksLikeTicket(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    try {
      // The header only: the token is parsed in full once, by whichever processor takes it.
      return TYPE.equals(JWSHeader.parse(new Base64URL(token.substring(0, dot))).getType());
    } catch (ParseException notAJwsHeader) {
      return false;
    }
  }

  /**
   * Redeems {@code ticket}: a principal that may stream the ticket's topics and publish nothing,
   * expiring with the token it was issued for, or a {@code 401} when the ticket is forged,
   * expired or used already.
   */
  AuthResult redeem(String ticket) {
    JWTClaimsSet claims;
    try {
      claims = processor.process(ticket, null);
    } catch (ParseException e) {
      return AuthResult.unauthenticated(JwtAuthenticator.INVALID, "the ticket is not a JWT");
    } catch (Exception e) {
      // nimbus's messages name the failed check and never contain the ticket.
      return AuthResult.unauthenticated(JwtAuthenticator.INVALID,
          "the ticket is not valid: " + e.getMessage());
    }
    long now = System.currentTimeMillis();
    purgeExpired(now);
    if (redeemed.size() >= maxRemembered) {
      // Memory stays bounded whatever a token holder does; tickets expire within a minute.
      return AuthResult.unauthenticated(JwtAuthenticator.INVALID, "this instance holds the"
          + " most recently used tickets it can remember; fetch a new ticket in a moment");
    }
    long forgetAfter = claims.getExpirationTime().getTime() + clockSkewMillis + 1000;
    if (redeemed.putIfAbsent(claims.getJWTID(), forgetAfter) != null) {
      return AuthResult.unauthenticated(JwtAuthenticator.INVALID,
          "the ticket was used already; fetch a new one");
    }
    try {
      Object tokenExpiry = claims.getClaim(TOKEN_EXPIRY);
      if (!(tokenExpiry instanceof Number seconds)) {
        throw new IllegalArgumentException(TOKEN_EXPIRY + " is not a number");
      }
      return AuthResult.granted(new JwtPrincipal(claims.getSubject(),
          JwtAuthenticator.patterns(claims, "subscribe"), TopicPatterns.NONE,
          Instant.ofEpochSecond(seconds.longValue()), true));
    } catch (ParseException | IllegalArgumentException e) {
      return AuthResult.unauthenticated(JwtAuthenticator.INVALID,
          "the ticket's claims are malformed: " + e.getMessage());
    }
  }

  /** Tickets remembered as redeemed, for tests. */
  int remembered() {
    return redeemed.size();
  }

  private void purgeExpired(long now) {
    long due = nextPurge.get();
    if (now >= due && nextPurge.compareAndSet(due, now + PURGE_EVERY_MILLIS)) {
      redeemed.values().removeIf(forgetAfter -> forgetAfter < now);
    }
  }

  /**
   * A ticket: the text a client sends as the {@code token} query parameter of one stream, and
   * when it stops being accepted.
   *
   * @param value the ticket; a credential, never to be logged
   * @param expiresAt when it expires
   */
  public record Ticket(String value, Instant expiresAt) {
    /** Checks both parts are present. */
    public Ticket {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
      return "Ticket[expiresAt=" + expiresAt + "]";
    }
  }
}
