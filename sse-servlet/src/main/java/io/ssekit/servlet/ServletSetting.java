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
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SseListenerProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A setting of {@link SseServlet}, defined once: its {@linkplain #name() name}, which is both the
 * init-param and the {@link SseServlet.Builder} method that set it; its type, which carries the
 * unit ({@link Duration}, bytes, counts); its {@linkplain #defaultValue() default}; the check
 * every value passes, with a message that names the setting; and what it
 * {@linkplain #description() means}. The constants below are every setting, in the order of the
 * README's configuration reference, which a test keeps identical to these definitions.
 *
 * <p>As init-params, values are text: durations as {@code 500ms}, {@code 15s}, {@code 2m},
 * {@code 1h}, {@code 1d} or ISO 8601 ({@code PT15S}); sizes as bytes or with {@code KB},
 * {@code MB}, {@code GB} (powers of 1024); lists comma-separated. The four providers
 * ({@link #HISTORY}, {@link #FANOUT}, {@link #AUTHENTICATOR}, {@link #KEEP_ALIVE_POLICY},
 * {@link #LISTENER}) are
 * chosen by name as init-params, configured by the init-params under that name as a prefix
 * ({@code history.*}), and given to the builder as instances.
 *
 * <p>Two combinations are refused: {@link #KEEP_ALIVE_POLICY} other than the fixed one with any of
 * {@link #KEEP_ALIVE}, {@link #RETRY} and {@link #MAX_LIFETIME}, which configure the fixed one;
 * and {@link SseServlet.Builder#hub} with any of {@link #HISTORY}, {@link #FANOUT},
 * {@link #MAX_EVENT_SIZE}, {@link #MAX_PENDING_EVENTS} and {@link #REPLAY_CONCURRENCY}, which
 * configure the hub the servlet otherwise creates.
 *
 * @param <T> the type of the value, as the builder takes it
 */
public final class ServletSetting<T> {
  /** {@code history}: the {@link EventHistory} of the servlet's own hub. */
  public static final ServletSetting<EventHistory> HISTORY = provider("history",
      EventHistoryProvider.class, null, null,
      "`EventHistory` provider, for example `memory`; its settings are `history.*`");

  /** {@code fanout}: the {@link Fanout} of the servlet's own hub. */
  public static final ServletSetting<Fanout> FANOUT = provider("fanout", FanoutProvider.class,
      "local", null, "`Fanout` provider; its settings are `fanout.*`");

  /** {@code authenticator}: who may open which streams. */
  public static final ServletSetting<Authenticator> AUTHENTICATOR = provider("authenticator",
      AuthenticatorProvider.class, "none", Authenticator.allowAll(),
      "`Authenticator` provider (`none`: everyone may subscribe); its settings are"
          + " `authenticator.*`");

  /** {@code keepAlive}: the keep-alive interval of the fixed keep-alive policy. */
  public static final ServletSetting<Duration> KEEP_ALIVE = duration("keepAlive",
      KeepAlivePolicy.DEFAULT_INTERVAL, ServletSetting::requirePositive,
      "a stream idle this long gets a `:` comment");

  /** {@code retry}: the {@code retry:} hint of the fixed keep-alive policy. */
  public static final ServletSetting<Duration> RETRY = duration("retry", null,
      ServletSetting::requireNotNegative, "`retry:` hint sent when a stream opens");

  /** {@code maxLifetime}: the stream lifetime of the fixed keep-alive policy. */
  public static final ServletSetting<Duration> MAX_LIFETIME = duration("maxLifetime", null,
      ServletSetting::requirePositive,
      "streams are closed after this long (with a `retry:` hint) and resume elsewhere");

  /** {@code keepAlivePolicy}: a keep-alive policy other than the fixed one. */
  public static final ServletSetting<KeepAlivePolicy> KEEP_ALIVE_POLICY = provider(
      "keepAlivePolicy", KeepAlivePolicyProvider.class, "fixed", null,
      "another `KeepAlivePolicy` provider, configured with `keepAlivePolicy.*` instead of the"
          + " three above");

  /** {@code maxConnections}: a count of streams. */
  public static final ServletSetting<Integer> MAX_CONNECTIONS = count("maxConnections", 100_000,
      "open streams at most");

  /** {@code maxConnectsPerSecond}: a rate of new streams; unset: no limit. */
  public static final ServletSetting<Integer> MAX_CONNECTS_PER_SECOND = new ServletSetting<>(
      "maxConnectsPerSecond", null,
      (settings, name) -> settings.string(name).map(v -> settings.positiveInt(name, 1)),
      ServletSetting::requirePositive, value -> code(Integer.toString(value)),
      "new streams accepted per second (a token bucket holding one second's worth); a request"
          + " over it is answered as over the cap, its `retry:` spread over the time the excess"
          + " needs at this rate");

  /** {@code overloadPolicy}: how a stream that cannot be served is answered. */
  public static final ServletSetting<OverloadPolicy> OVERLOAD_POLICY = new ServletSetting<>(
      "overloadPolicy", OverloadPolicy.SSE_BUSY,
      (settings, name) -> settings.string(name).map(v -> OverloadPolicy.fromSetting(name, v)),
      (name, value) -> { }, policy -> code(policy.setting()),
      "beyond the cap or the connect rate and while shutting down: a short `200` stream"
          + " (`sse-busy` / `server-shutdown`) or `503`");

  /** {@code maxStreamsPerPrincipal}: a count of streams, or none. */
  public static final ServletSetting<Integer> MAX_STREAMS_PER_PRINCIPAL = cap(
      "maxStreamsPerPrincipal", "streams one authenticated principal (`SsePrincipal.name()`) may"
          + " hold on this servlet; beyond it `streamLimitPolicy` applies");

  /** {@code maxStreamsPerAddress}: a count of streams, or none. */
  public static final ServletSetting<Integer> MAX_STREAMS_PER_ADDRESS = cap(
      "maxStreamsPerAddress", "streams one client address may hold on this servlet; beyond it"
          + " `streamLimitPolicy` applies");

  /** {@code trustedProxies}: addresses and CIDR ranges. */
  public static final ServletSetting<List<String>> TRUSTED_PROXIES = new ServletSetting<>(
      "trustedProxies", List.of(),
      (settings, name) -> Optional.of(settings.list(name)).filter(list -> !list.isEmpty()),
      (name, value) -> ClientAddress.trusting(name, value),
      list -> list.isEmpty() ? "none" : code(String.join(",", list)),
      "comma-separated addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`) of proxies whose"
          + " `forwardedHeader` gives the client address for `maxStreamsPerAddress`");

  /** {@code forwardedHeader}: {@code X-Forwarded-For} or {@code Forwarded}. */
  public static final ServletSetting<String> FORWARDED_HEADER = new ServletSetting<>(
      "forwardedHeader", ClientAddress.X_FORWARDED_FOR,
      (settings, name) -> settings.string(name).map(v -> OverloadPolicy.choose(name, v,
          new String[] {ClientAddress.X_FORWARDED_FOR, ClientAddress.FORWARDED}, h -> h)),
      (name, value) -> { }, ServletSetting::code,
      "the header the `trustedProxies` set: `X-Forwarded-For` or `Forwarded` (RFC 7239); the"
          + " other is ignored, as a client may send it through the proxy");

  /** {@code streamLimitPolicy}: what happens beyond a per-principal or per-address cap. */
  public static final ServletSetting<StreamLimitPolicy> STREAM_LIMIT_POLICY = new ServletSetting<>(
      "streamLimitPolicy", StreamLimitPolicy.SUPERSEDE_OLDEST,
      (settings, name) -> settings.string(name).map(v -> OverloadPolicy.choose(name, v,
          StreamLimitPolicy.values(), StreamLimitPolicy::setting)),
      (name, value) -> { }, policy -> code(policy.setting()),
      "`supersede-oldest`: the new stream opens and the holder's oldest ends with"
          + " `sse-superseded`; `refuse-new`: the new one gets `sse-limit` (`429` under"
          + " `overloadPolicy=503`)");

  /** {@code streamLimitRetry}: a duration. */
  public static final ServletSetting<Duration> STREAM_LIMIT_RETRY = duration("streamLimitRetry",
      Duration.ofSeconds(60), ServletSetting::requirePositive,
      "`retry:` hint (plus up to half again, at random) with `sse-superseded` and `sse-limit`;"
          + " the `Retry-After` of the `429`");

  /** {@code maxEventSize}: a size in bytes. */
  public static final ServletSetting<Integer> MAX_EVENT_SIZE = size("maxEventSize",
      SseHub.DEFAULT_MAX_EVENT_SIZE, "largest event data `publish` accepts");

  /** {@code maxQueuedBytes}: a size in bytes. */
  public static final ServletSetting<Integer> MAX_QUEUED_BYTES = size("maxQueuedBytes",
      256 * 1024, "bytes a stream may have waiting before its client counts as fallen behind");

  /** {@code maxPendingEvents}: a count of events. */
  public static final ServletSetting<Integer> MAX_PENDING_EVENTS = count("maxPendingEvents",
      SseHub.DEFAULT_MAX_PENDING_EVENTS,
      "live events a starting stream may hold while its replay is read and written");

  /** {@code replayConcurrency}: a count of history reads. */
  public static final ServletSetting<Integer> REPLAY_CONCURRENCY = count("replayConcurrency",
      SseHub.DEFAULT_REPLAY_CONCURRENCY,
      "history reads (replays, catch-ups) in flight at once; streams beyond wait their turn in"
          + " order, with keep-alives, losing nothing");

  /** {@code corsOrigins}: a list of origins, or {@code *}. */
  public static final ServletSetting<List<String>> CORS_ORIGINS = new ServletSetting<>(
      "corsOrigins", List.of(),
      (settings, name) -> Optional.of(settings.list(name)).filter(list -> !list.isEmpty()),
      (name, value) -> Cors.requireOrigins(value),
      list -> list.isEmpty() ? "none" : code(String.join(",", list)),
      "comma-separated origins (`https://app.example.com`) echoed with credentials and"
          + " `Vary: Origin`; `*` allows any origin without credentials");

  /** {@code corsMaxAge}: a duration. */
  public static final ServletSetting<Duration> CORS_MAX_AGE = duration("corsMaxAge",
      Duration.ofMinutes(10), ServletSetting::requireNotNegative,
      "how long a browser may cache a preflight answer");

  /** {@code tokenExpiryWarning}: a duration. */
  public static final ServletSetting<Duration> TOKEN_EXPIRY_WARNING = duration(
      "tokenExpiryWarning", Duration.ofSeconds(30), ServletSetting::requireNotNegative,
      "a stream whose credentials expire (`SsePrincipal.expiresAt`) gets `sse-token-expiring`"
          + " this long before; at expiry it ends with a `retry:` hint and `sse-token-expired`");

  /** {@code shutdownGrace}: a duration. */
  public static final ServletSetting<Duration> SHUTDOWN_GRACE = duration("shutdownGrace",
      Duration.ofSeconds(5), ServletSetting::requireNotNegative,
      "time given to streams to write `server-shutdown`");

  /** {@code listener}: what hears of the streams, publishes and failures, for metrics. */
  public static final ServletSetting<SseListener> LISTENER = provider("listener",
      SseListenerProvider.class, "none", SseListener.NONE,
      "`SseListener` provider, for example `micrometer` (`sse-micrometer`); it hears of the"
          + " servlet's streams and of the hub the servlet creates; its settings are `listener.*`");

  /** {@code hubAttribute}: the name of a servlet context attribute. */
  public static final ServletSetting<String> HUB_ATTRIBUTE = new ServletSetting<>("hubAttribute",
      SseServlet.HUB_ATTRIBUTE, Settings::string,
      (name, value) -> {
        if (value.isBlank()) {
          throw new IllegalArgumentException(name + " must not be blank");
        }
      },
      ServletSetting::code,
      "servlet context attribute holding the hub (change it for several servlets)");

  private static final List<ServletSetting<?>> ALL = List.of(HISTORY, FANOUT, AUTHENTICATOR,
      KEEP_ALIVE, RETRY, MAX_LIFETIME, KEEP_ALIVE_POLICY, MAX_CONNECTIONS,
      MAX_CONNECTS_PER_SECOND, OVERLOAD_POLICY, MAX_STREAMS_PER_PRINCIPAL,
      MAX_STREAMS_PER_ADDRESS, TRUSTED_PROXIES, FORWARDED_HEADER, STREAM_LIMIT_POLICY, STREAM_LIMIT_RETRY,
      MAX_EVENT_SIZE, MAX_QUEUED_BYTES, MAX_PENDING_EVENTS, REPLAY_CONCURRENCY, CORS_ORIGINS,
      CORS_MAX_AGE,
      TOKEN_EXPIRY_WARNING, SHUTDOWN_GRACE, LISTENER, HUB_ATTRIBUTE);

  /** The settings of the fixed keep-alive policy, which {@link #KEEP_ALIVE_POLICY} replaces. */
  static final List<ServletSetting<?>> FIXED_KEEP_ALIVE = List.of(KEEP_ALIVE, RETRY, MAX_LIFETIME);

  /** The settings of the hub the servlet creates, which {@link SseServlet.Builder#hub} replaces. */
  static final List<ServletSetting<?>> OWN_HUB =
      List.of(HISTORY, FANOUT, MAX_EVENT_SIZE, MAX_PENDING_EVENTS, REPLAY_CONCURRENCY);

  private final String name;
  private final T defaultValue;
  private final Reader<T> reader;
  private final Check<T> check;
  private final String defaultText;
  private final String description;
  private final boolean provider;
  private final String defaultProvider;

  private ServletSetting(String name, T defaultValue, Reader<T> reader, Check<T> check,
      Function<T, String> format, String description) {
    this(name, defaultValue, reader, check,
        defaultValue == null ? "unset" : format.apply(defaultValue), description, false, null);
  }

  private ServletSetting(String name, T defaultValue, Reader<T> reader, Check<T> check,
      String defaultText, String description, boolean provider, String defaultProvider) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.reader = reader;
    this.check = check;
    this.defaultText = defaultText;
    this.description = description;
    this.provider = provider;
    this.defaultProvider = defaultProvider;
  }

  /** Every setting, in the order the README lists them. */
  public static List<ServletSetting<?>> all() {
    return ALL;
  }

  /** The init-param, and the name of the {@link SseServlet.Builder} method that sets it. */
  public String name() {
    return name;
  }

  /**
   * The value the servlet uses when the setting is not given; empty where there is none, or where
   * the hub picks it ({@link #HISTORY}: the only provider on the class path; {@link #FANOUT}:
   * {@link Fanout#local()}; {@link #KEEP_ALIVE_POLICY}: the fixed policy).
   */
  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The default as the README's configuration reference writes it, in Markdown. */
  public String defaultText() {
    return defaultText;
  }

  /** What the setting means, in one line of Markdown, as the README writes it. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return name;
  }

  /** Whether init-params name a provider for this setting, rather than giving its value. */
  boolean isProvider() {
    return provider;
  }

  /**
   * Whether {@code providerName} selects the built-in default of this provider setting, which
   * takes no init-params of its own.
   */
  boolean isDefaultProvider(String providerName) {
    return providerName.equals(defaultProvider);
  }

  /**
   * Checks a value given to the builder.
   *
   * @throws NullPointerException for {@code null}, naming the setting
   * @throws IllegalArgumentException for a value out of range, naming the setting
   */
  T check(T value) {
    Objects.requireNonNull(value, () -> name + " must not be null");
    check.check(name, value);
    return value;
  }

  /**
   * Reads the init-param (a provider setting creates its provider's instance); empty when it is
   * not given, or names the default policy of {@link #KEEP_ALIVE_POLICY}.
   *
   * @throws IllegalArgumentException naming the init-param
   */
  Optional<T> read(Settings settings) {
    Optional<T> value = reader.read(settings, name);
    value.ifPresent(v -> {
      try {
        check.check(name, v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + " (init-param " + name + ")", e);
      }
    });
    return value;
  }

  /** The value of this setting in {@code values}, or its default (possibly {@code null}). */
  @SuppressWarnings("unchecked")
  T in(Map<ServletSetting<?>, Object> values) {
    return values.containsKey(this) ? (T) values.get(this) : defaultValue;
  }

  private static ServletSetting<Duration> duration(String name, Duration defaultValue,
      Check<Duration> check, String description) {
    return new ServletSetting<>(name, defaultValue, Settings::duration, check,
        value -> code(formatDuration(value)), description);
  }

  private static ServletSetting<Integer> count(String name, int defaultValue,
      String description) {
    Reader<Integer> reader = (settings, key) -> settings.string(key).isEmpty()
        ? Optional.empty() : Optional.of(settings.positiveInt(key, defaultValue));
    return new ServletSetting<>(name, defaultValue, reader, ServletSetting::requirePositive,
        value -> code(Integer.toString(value)), description);
  }

  /** A cap without a default: unlimited when not given. */
  private static ServletSetting<Integer> cap(String name, String description) {
    Reader<Integer> reader = (settings, key) -> settings.string(key).isEmpty()
        ? Optional.empty() : Optional.of(settings.positiveInt(key, 1));
    return new ServletSetting<>(name, null, reader, ServletSetting::requirePositive,
        value -> code(Integer.toString(value)), description);
  }

  private static ServletSetting<Integer> size(String name, int defaultValue,
      String description) {
    Reader<Integer> reader = (settings, key) -> {
      if (settings.string(key).isEmpty()) {
        return Optional.empty();
      }
      long bytes = settings.size(key, defaultValue);
      if (bytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(key + " must be below 2GB, was " + bytes + " bytes");
      }
      return Optional.of((int) bytes);
    };
    return new ServletSetting<>(name, defaultValue, reader, ServletSetting::requirePositive,
        value -> code(formatSize(value)), description);
  }

  /**
   * A provider setting. Its init-param names the provider; the instance gets the init-params under
   * the setting's name. Naming {@code defaultName}, or nothing, means {@code defaultValue}, the
   * built-in default (which takes no init-params). Without a {@code defaultName} the only
   * provider on the class path is created, configured by those init-params.
   */
  private static <T, P extends Provider<T>> ServletSetting<T> provider(String name, Class<P> type,
      String defaultName, T defaultValue, String description) {
    Reader<T> reader = (settings, key) -> {
      Optional<String> provider = settings.string(key);
      if (defaultName != null && provider.orElse(defaultName).equals(defaultName)) {
        return Optional.empty(); // the built-in default value
      }
      String chosen = provider.orElseGet(() -> Providers.only(type).name());
      return Optional.of(Providers.create(type, chosen, settings.scope(key)));
    };
    return new ServletSetting<>(name, defaultValue, reader, (key, value) -> { },
        defaultName == null ? "the only one on the class path" : code(defaultName), description,
        true, defaultName);
  }

  private static String code(String text) {
    return "`" + text + "`";
  }

  /** {@code value} as an init-param writes it, in the largest unit that divides it. */
  private static String formatDuration(Duration value) {
    long millis = value.toMillis();
    if (millis == 0 || millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    } else if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    } else if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /** {@code bytes} as an init-param writes it, in the largest unit that divides it. */
  private static String formatSize(int bytes) {
    if (bytes % (1 << 30) == 0) {
      return (bytes >> 30) + "GB";
    } else if (bytes % (1 << 20) == 0) {
      return (bytes >> 20) + "MB";
    } else if (bytes % (1 << 10) == 0) {
      return (bytes >> 10) + "KB";
    }
    return Integer.toString(bytes);
  }

  private static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  private static void requireNotNegative(String name, Duration value) {
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + value);
    }
  }

  private static void requirePositive(String name, Integer value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  /** Reads a setting's init-param; empty when absent. */
  private interface Reader<T> {
    Optional<T> read(Settings settings, String name);
  }

  /** Throws {@link IllegalArgumentException}, naming the setting, for a value out of range. */
  private interface Check<T> {
    void check(String name, T value);
  }
}
