package io.ssekit.servlet;

import io.ssekit.SseHub;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.AuthenticatorProvider;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.EventHistoryProvider;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.FanoutProvider;
import io.ssekit.spi.KeepAlivePolicy;
import io.ssekit.spi.KeepAlivePolicyProvider;
import io.ssekit.spi.Provider;
import io.ssekit.spi.Providers;
import io.ssekit.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of an {@link SseServlet}, from init-params or from its {@link Builder}.
 *
 * <table>
 *   <caption>Init-params</caption>
 *   <tr><th>name</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code history}</td><td>the only one on the class path</td><td>{@code EventHistory}
 *       provider name (for example {@code memory}); its settings are {@code history.*}</td></tr>
 *   <tr><td>{@code fanout}</td><td>{@code local}</td><td>{@code Fanout} provider name; settings
 *       {@code fanout.*}</td></tr>
 *   <tr><td>{@code authenticator}</td><td>{@code none}</td><td>{@code Authenticator} provider
 *       name; settings {@code authenticator.*}</td></tr>
 *   <tr><td>{@code keepAlive}</td><td>{@code 15s}</td><td>idle time before a keep-alive
 *       comment</td></tr>
 *   <tr><td>{@code retry}</td><td>none</td><td>{@code retry:} hint sent when a stream
 *       opens</td></tr>
 *   <tr><td>{@code maxLifetime}</td><td>none</td><td>streams are closed (and resume elsewhere)
 *       after this long</td></tr>
 *   <tr><td>{@code keepAlivePolicy}</td><td>{@code fixed}</td><td>another
 *       {@code KeepAlivePolicy} provider, with settings {@code keepAlivePolicy.*} instead of the
 *       three above</td></tr>
 *   <tr><td>{@code maxConnections}</td><td>{@code 100000}</td><td>open streams at most</td></tr>
 *   <tr><td>{@code overloadPolicy}</td><td>{@code sse-busy}</td><td>beyond the cap:
 *       {@code sse-busy} or {@code 503}</td></tr>
 *   <tr><td>{@code maxEventSize}</td><td>{@code 1MB}</td><td>largest event data accepted by
 *       {@code publish}</td></tr>
 *   <tr><td>{@code maxQueuedBytes}</td><td>{@code 256KB}</td><td>bytes a stream may have
 *       waiting for a slow client before it is closed</td></tr>
 *   <tr><td>{@code maxPendingEvents}</td><td>{@code 10000}</td><td>live events a starting
 *       stream may hold while its replay is read and written</td></tr>
 *   <tr><td>{@code corsOrigins}</td><td>none</td><td>comma-separated allowed origins, or
 *       {@code *}</td></tr>
 *   <tr><td>{@code corsMaxAge}</td><td>{@code 10m}</td><td>how long a preflight answer may be
 *       cached</td></tr>
 *   <tr><td>{@code tokenExpiryWarning}</td><td>{@code 30s}</td><td>how long before its
 *       credentials expire a stream gets {@code sse-token-expiring}; it is closed when they
 *       expire</td></tr>
 *   <tr><td>{@code shutdownGrace}</td><td>{@code 5s}</td><td>time given to streams to write
 *       {@code server-shutdown} when the servlet stops</td></tr>
 *   <tr><td>{@code hubAttribute}</td><td>{@code io.ssekit.SseHub}</td><td>servlet context
 *       attribute that holds the hub</td></tr>
 * </table>
 */
record ServletOptions(
    SseHub hub,
    EventHistory history,
    Fanout fanout,
    Authenticator authenticator,
    KeepAlivePolicy keepAlive,
    int maxConnections,
    OverloadPolicy overloadPolicy,
    int maxEventSize,
    int maxQueuedBytes,
    int maxPendingEvents,
    List<String> corsOrigins,
    Duration corsMaxAge,
    Duration tokenExpiryWarning,
    Duration shutdownGrace,
    String hubAttribute) {

  static final int DEFAULT_MAX_CONNECTIONS = 100_000;
  static final int DEFAULT_MAX_QUEUED_BYTES = 256 * 1024;
  static final Duration DEFAULT_CORS_MAX_AGE = Duration.ofMinutes(10);
  static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
  static final Duration DEFAULT_TOKEN_EXPIRY_WARNING = Duration.ofSeconds(30);

  ServletOptions {
    requirePositive("maxConnections", maxConnections);
    requirePositive("maxEventSize", maxEventSize);
    requirePositive("maxQueuedBytes", maxQueuedBytes);
    requirePositive("maxPendingEvents", maxPendingEvents);
    Objects.requireNonNull(authenticator, "authenticator");
    Objects.requireNonNull(keepAlive, "keepAlive");
    Objects.requireNonNull(overloadPolicy, "overloadPolicy");
    corsOrigins = List.copyOf(corsOrigins);
    new Cors(corsOrigins, corsMaxAge); // checks every origin, naming the setting
    if (tokenExpiryWarning.isNegative()) {
      throw new IllegalArgumentException("tokenExpiryWarning must not be negative, was "
          + tokenExpiryWarning);
    }
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdownGrace must not be negative, was " + shutdownGrace);
    }
    if (hubAttribute == null || hubAttribute.isBlank()) {
      throw new IllegalArgumentException("hubAttribute must not be blank");
    }
  }

  /** A new hub over the configured history and fanout (the servlet owns and closes it). */
  SseHub newHub() {
    SseHub.Builder builder = SseHub.builder().maxEventSize(maxEventSize)
        .maxPendingEvents(maxPendingEvents);
    if (history != null) {
      builder.history(history);
    }
    if (fanout != null) {
      builder.fanout(fanout);
    }
    return builder.build();
  }

  /** Reads init-params; fails on an invalid or unknown one, naming it. */
  static ServletOptions fromSettings(Map<String, String> params) {
    Settings settings = Settings.of(params);
    List<AutoCloseable> created = new ArrayList<>();
    try {
      int maxConnections = settings.positiveInt("maxConnections", DEFAULT_MAX_CONNECTIONS);
      OverloadPolicy overload = settings.string("overloadPolicy")
          .map(v -> OverloadPolicy.fromSetting("overloadPolicy", v))
          .orElse(OverloadPolicy.SSE_BUSY);
      int maxEventSize = sizeAsInt(settings, "maxEventSize", SseHub.DEFAULT_MAX_EVENT_SIZE);
      int maxQueued = sizeAsInt(settings, "maxQueuedBytes", DEFAULT_MAX_QUEUED_BYTES);
      int maxPending = settings.positiveInt("maxPendingEvents", SseHub.DEFAULT_MAX_PENDING_EVENTS);
      List<String> origins = settings.list("corsOrigins");
      Duration corsMaxAge = settings.duration("corsMaxAge", DEFAULT_CORS_MAX_AGE);
      Duration expiryWarning =
          settings.duration("tokenExpiryWarning", DEFAULT_TOKEN_EXPIRY_WARNING);
      Duration grace = settings.duration("shutdownGrace", DEFAULT_SHUTDOWN_GRACE);
      String attribute = settings.string("hubAttribute").orElse(SseServlet.HUB_ATTRIBUTE);
      KeepAlivePolicy keepAlive = keepAlive(settings);
      Authenticator authenticator =
          create(settings, "authenticator", AuthenticatorProvider.class, "none", created);
      Fanout fanout = create(settings, "fanout", FanoutProvider.class, "local", created);
      EventHistory history =
          create(settings, "history", EventHistoryProvider.class, null, created);
      settings.requireAllRead();
      return new ServletOptions(null, history, fanout, authenticator, keepAlive, maxConnections,
          overload, maxEventSize, maxQueued, maxPending, origins, corsMaxAge, expiryWarning, grace,
          attribute);
    } catch (RuntimeException e) {
      for (AutoCloseable instance : created) {
        try {
          instance.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static KeepAlivePolicy keepAlive(Settings settings) {
    String provider = settings.string("keepAlivePolicy").orElse("fixed");
    if (provider.equals("fixed")) {
      KeepAlivePolicy.Fixed fixed =
          KeepAlivePolicy.every(settings.duration("keepAlive", KeepAlivePolicy.DEFAULT_INTERVAL));
      fixed = settings.duration("retry").map(fixed::withRetry).orElse(fixed);
      return settings.duration("maxLifetime").map(fixed::withMaxLifetime).orElse(fixed);
    }
    for (String fixedOnly : List.of("keepAlive", "retry", "maxLifetime")) {
      if (settings.string(fixedOnly).isPresent()) {
        throw new IllegalArgumentException(fixedOnly + " applies to the fixed keep-alive policy"
            + " only; with keepAlivePolicy=" + provider + " use keepAlivePolicy.* settings");
      }
    }
    return Providers.create(KeepAlivePolicyProvider.class, provider,
        settings.scope("keepAlivePolicy"));
  }

  private static <T, P extends Provider<T>> T create(Settings settings, String key, Class<P> type,
      String defaultName, List<AutoCloseable> created) {
    String name = settings.string(key).orElse(defaultName);
    if (name == null) {
      name = Providers.only(type).name();
    }
    T instance = Providers.create(type, name, settings.scope(key));
    if (instance instanceof AutoCloseable closeable) {
      created.add(closeable);
    }
    return instance;
  }

  private static int sizeAsInt(Settings settings, String key, int defaultValue) {
    long value = settings.size(key, defaultValue);
    if (value > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(key + " must be below 2GB, was " + value + " bytes");
    }
    return (int) value;
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
