package io.ssekit.spring.boot;

import io.ssekit.servlet.OverloadPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code ssekit.*} properties: the stream endpoint, its limits, the history, Redis and JWT
 * authentication. Each setter checks its value at binding, so an invalid one stops the
 * application with a message that names the property.
 */
@ConfigurationProperties("ssekit")
public class SseProperties {
  /** Whether ssekit is configured at all. */
  private boolean enabled = true;

  /** The path the stream endpoint is mapped to. */
  private String path = "/events";

  /** A stream idle this long gets a keep-alive comment line. */
  private Duration keepAlive = Duration.ofSeconds(15);

  /** The {@code retry:} hint sent when a stream opens; none when unset. */
  private Duration retry;

  /**
   * Streams are closed after this long (with a {@code retry:} hint) and resume elsewhere; no
   * limit when unset.
   */
  private Duration maxLifetime;

  /** Open streams at most; beyond it new streams are answered by the overload policy. */
  private int maxConnections = 100_000;

  /**
   * How a stream that cannot be served (over the cap, or while shutting down) is answered: a
   * short {@code 200} stream with {@code sse-busy} or {@code server-shutdown} ({@code sse-busy}),
   * or {@code 503} with {@code Retry-After} ({@code service-unavailable}).
   */
  private OverloadPolicy overloadPolicy = OverloadPolicy.SSE_BUSY;

  /** The largest event data a publish accepts. */
  private DataSize maxEventSize = DataSize.ofMegabytes(1);

  /** Bytes a stream may have waiting before its client counts as fallen behind and is closed. */
  private DataSize maxQueuedBytes = DataSize.ofKilobytes(256);

  /** Live events a starting stream may hold while its replay is read and written. */
  private int maxPendingEvents = 10_000;

  /**
   * A stream whose credentials expire gets {@code sse-token-expiring} this long before; at
   * expiry it ends with {@code sse-token-expired}.
   */
  private Duration tokenExpiryWarning = Duration.ofSeconds(30);

  /**
   * Time given to open streams to write {@code server-shutdown} when the application stops,
   * before the web server stops.
   */
  private Duration shutdownGrace = Duration.ofSeconds(5);

  /** Cross-origin access to the stream endpoint. */
  private final Cors cors = new Cors();

  /** The event history that streams resume from. */
  private final History history = new History();

  /** Redis history and fanout. */
  private final Redis redis = new Redis();

  /** Authentication of stream requests. */
  private final Auth auth = new Auth();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("ssekit.path must start with '/', was '" + path + "'");
    }
    this.path = path;
  }

  public Duration getKeepAlive() {
    return keepAlive;
  }

  public void setKeepAlive(Duration keepAlive) {
    this.keepAlive = positive("ssekit.keep-alive", keepAlive);
  }

  public Duration getRetry() {
    return retry;
  }

  public void setRetry(Duration retry) {
    this.retry = notNegative("ssekit.retry", retry);
  }

  public Duration getMaxLifetime() {
    return maxLifetime;
  }

  public void setMaxLifetime(Duration maxLifetime) {
    this.maxLifetime = positive("ssekit.max-lifetime", maxLifetime);
  }

  public int getMaxConnections() {
    return maxConnections;
  }

  public void setMaxConnections(int maxConnections) {
    this.maxConnections = positive("ssekit.max-connections", maxConnections);
  }

  public OverloadPolicy getOverloadPolicy() {
    return overloadPolicy;
  }

  public void setOverloadPolicy(OverloadPolicy overloadPolicy) {
    this.overloadPolicy = overloadPolicy;
  }

  public DataSize getMaxEventSize() {
    return maxEventSize;
  }

  public void setMaxEventSize(DataSize maxEventSize) {
    this.maxEventSize = intSize("ssekit.max-event-size", maxEventSize);
  }

  public DataSize getMaxQueuedBytes() {
    return maxQueuedBytes;
  }

  public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
    this.maxQueuedBytes = intSize("ssekit.max-queued-bytes", maxQueuedBytes);
  }

  public int getMaxPendingEvents() {
    return maxPendingEvents;
  }

  public void setMaxPendingEvents(int maxPendingEvents) {
    this.maxPendingEvents = positive("ssekit.max-pending-events", maxPendingEvents);
  }

  public Duration getTokenExpiryWarning() {
    return tokenExpiryWarning;
  }

  public void setTokenExpiryWarning(Duration tokenExpiryWarning) {
    this.tokenExpiryWarning = notNegative("ssekit.token-expiry-warning", tokenExpiryWarning);
  }

  public Duration getShutdownGrace() {
    return shutdownGrace;
  }

  public void setShutdownGrace(Duration shutdownGrace) {
    this.shutdownGrace = notNegative("ssekit.shutdown-grace", shutdownGrace);
  }

  public Cors getCors() {
    return cors;
  }

  public History getHistory() {
    return history;
  }

  public Redis getRedis() {
    return redis;
  }

  public Auth getAuth() {
    return auth;
  }

  /** {@code ssekit.cors.*}. */
  public static class Cors {
    /**
     * Origins ({@code https://app.example.com}) echoed with credentials and {@code Vary:
     * Origin}; {@code *} allows any origin without credentials. None by default.
     */
    private List<String> origins = new ArrayList<>();

    /** How long a browser may cache a preflight answer. */
    private Duration maxAge = Duration.ofMinutes(10);

    public List<String> getOrigins() {
      return origins;
    }

    public void setOrigins(List<String> origins) {
      this.origins = origins;
    }

    public Duration getMaxAge() {
      return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
      this.maxAge = notNegative("ssekit.cors.max-age", maxAge);
    }
  }

  /** {@code ssekit.history.*}: the memory history, and the Redis history where it applies. */
  public static class History {
    /** Events kept per topic. */
    private int maxEventsPerTopic = 1000;

    /** How long an event is kept and replayed. */
    private Duration maxAge = Duration.ofHours(24);

    /** A topic nobody appends to (or, in memory, replays) for this long is dropped whole. */
    private Duration idleTopicExpiry = Duration.ofHours(24);

    /** Estimated bytes all topics of the memory history may hold together. */
    private DataSize maxTotalSize = DataSize.ofMegabytes(64);

    public int getMaxEventsPerTopic() {
      return maxEventsPerTopic;
    }

    public void setMaxEventsPerTopic(int maxEventsPerTopic) {
      this.maxEventsPerTopic = positive("ssekit.history.max-events-per-topic", maxEventsPerTopic);
    }

    public Duration getMaxAge() {
      return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
      this.maxAge = positive("ssekit.history.max-age", maxAge);
    }

    public Duration getIdleTopicExpiry() {
      return idleTopicExpiry;
    }

    public void setIdleTopicExpiry(Duration idleTopicExpiry) {
      this.idleTopicExpiry = positive("ssekit.history.idle-topic-expiry", idleTopicExpiry);
    }

    public DataSize getMaxTotalSize() {
      return maxTotalSize;
    }

    public void setMaxTotalSize(DataSize maxTotalSize) {
      if (maxTotalSize == null || maxTotalSize.toBytes() < 1024) {
        throw new IllegalArgumentException("ssekit.history.max-total-size must be at least 1KB,"
            + " was " + maxTotalSize);
      }
      this.maxTotalSize = maxTotalSize;
    }
  }

  /** {@code ssekit.redis.*}. */
  public static class Redis {
    /**
     * The Redis that holds the history and carries the fanout, for example {@code
     * redis://127.0.0.1:6379}, {@code rediss://} for TLS, {@code redis+cluster://h1:p1,h2:p2} or
     * {@code redis-sentinel://...#master}. Unset: memory history and local fanout.
     */
    private String uri;

    /** The prefix of every key and channel, so that applications can share one Redis. */
    private String keyPrefix = "ssekit:";

    /** How long a Redis command may take. */
    private Duration commandTimeout = Duration.ofSeconds(5);

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = positive("ssekit.redis.command-timeout", commandTimeout);
    }
  }

  /** {@code ssekit.auth.*}. */
  public static class Auth {
    /** The path of the stream-ticket endpoint, mapped when JWT authentication is on. */
    private String ticketPath = "/auth/ticket";

    /** JWT authentication: on when a key is set. */
    private final Jwt jwt = new Jwt();

    public String getTicketPath() {
      return ticketPath;
    }

    public void setTicketPath(String ticketPath) {
      if (ticketPath == null || !ticketPath.startsWith("/")) {
        throw new IllegalArgumentException("ssekit.auth.ticket-path must start with '/', was '"
            + ticketPath + "'");
      }
      this.ticketPath = ticketPath;
    }

    public Jwt getJwt() {
      return jwt;
    }
  }

  /** {@code ssekit.auth.jwt.*}: one kind of key turns authentication on. */
  public static class Jwt {
    /** HS256 shared secret, at least 32 bytes. */
    private String secret;

    /** RS256 or ES256 public key, PEM text ({@code -----BEGIN PUBLIC KEY-----}). */
    private String publicKey;

    /** RS256 and ES256 public keys, a local JWKS file. */
    private Path jwksFile;

    /** The {@code iss} every token must have; not checked when unset. */
    private String issuer;

    /** The {@code aud} every token must name; not checked when unset. */
    private String audience;

    /** The cookie a token may come in. */
    private String cookieName = "sse_token";

    /** How far clocks may disagree when {@code exp} and {@code nbf} are checked. */
    private Duration clockSkew = Duration.ofSeconds(30);

    /** How long a stream ticket is valid (whole seconds). */
    private Duration ticketLifetime = Duration.ofSeconds(30);

    /**
     * The key that signs stream tickets, at least 32 bytes, the same on every instance. Unset:
     * derived from the HS256 secret, or random per instance with public keys.
     */
    private String ticketSecret;

    public String getSecret() {
      return secret;
    }

    public void setSecret(String secret) {
      this.secret = secret;
    }

    public String getPublicKey() {
      return publicKey;
    }

    public void setPublicKey(String publicKey) {
      this.publicKey = publicKey;
    }

    public Path getJwksFile() {
      return jwksFile;
    }

    public void setJwksFile(Path jwksFile) {
      this.jwksFile = jwksFile;
    }

    public String getIssuer() {
      return issuer;
    }

    public void setIssuer(String issuer) {
      this.issuer = issuer;
    }

    public String getAudience() {
      return audience;
    }

    public void setAudience(String audience) {
      this.audience = audience;
    }

    public String getCookieName() {
      return cookieName;
    }

    public void setCookieName(String cookieName) {
      this.cookieName = cookieName;
    }

    public Duration getClockSkew() {
      return clockSkew;
    }

    public void setClockSkew(Duration clockSkew) {
      this.clockSkew = notNegative("ssekit.auth.jwt.clock-skew", clockSkew);
    }

    public Duration getTicketLifetime() {
      return ticketLifetime;
    }

    public void setTicketLifetime(Duration ticketLifetime) {
      this.ticketLifetime = ticketLifetime;
    }

    public String getTicketSecret() {
      return ticketSecret;
    }

    public void setTicketSecret(String ticketSecret) {
      this.ticketSecret = ticketSecret;
    }
  }

  private static Duration positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }

  private static Duration notNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
    return value;
  }

  private static int positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }

  private static DataSize intSize(String name, DataSize value) {
    if (value == null || value.toBytes() <= 0 || value.toBytes() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(name + " must be between 1B and 2GB, was " + value);
    }
    return value;
  }
}
