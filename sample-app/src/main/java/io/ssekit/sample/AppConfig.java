package io.ssekit.sample;

import io.ssekit.SseHub;
import io.ssekit.servlet.SseServlet;
import io.ssekit.servlet.StreamLimitPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The sample app's configuration, read from environment variables. Every value is checked at
 * start-up; a bad one stops the app with a message that names the variable.
 *
 * @param port {@code PORT}: HTTP port for HTTP/1.1 and h2c (default 8080)
 * @param redisUri {@code SSE_REDIS_URI}: history and fanout in Redis, {@code redis://...}, a
 *     Redis behind Sentinel {@code redis-sentinel://host1:port1,host2:port2#masterName} or a
 *     cluster {@code redis+cluster://host1:port1,host2:port2} (unset: memory and local); Redis
 *     need not be reachable at the start
 * @param jwtSecret {@code SSE_AUTH_JWT_SECRET}: HS256 secret that turns auth on (unset: no auth)
 * @param corsOrigins {@code SSE_CORS_ORIGINS}: comma-separated allowed origins (default none)
 * @param keepAlive {@code SSE_KEEPALIVE_MS}: keep-alive interval (default 15000)
 * @param retry {@code SSE_RETRY_MS}: retry hint sent at connect (default unset)
 * @param historySize {@code SSE_HISTORY_SIZE}: events kept per topic (default 1000)
 * @param maxConnections {@code SSE_MAX_CONNECTIONS}: connection cap (default 100000)
 * @param maxConnectsPerSecond {@code SSE_MAX_CONNECTS_PER_SECOND}: new streams accepted per
 *     second (default unlimited)
 * @param maxAcceptsPerSecond {@code SSE_MAX_ACCEPTS_PER_SECOND}: new connections the server
 *     accepts per second; over it, the server stops accepting for a while and new connections
 *     wait in the kernel's queue (default unlimited)
 * @param replayConcurrency {@code SSE_REPLAY_CONCURRENCY}: history reads in flight at most
 *     (default 64)
 * @param shutdownGrace {@code SSE_SHUTDOWN_GRACE_MS}: time to close streams at shutdown
 *     (default 5000)
 * @param idempotencyWindow {@code SSE_IDEMPOTENCY_WINDOW_MS}: how long a publish's
 *     {@code Idempotency-Key} is remembered (default 300000, at most a day)
 * @param metrics {@code SSE_METRICS}: {@code on} or {@code off}, the {@code /metrics} endpoint and
 *     the meters (default on)
 * @param redisReplicas {@code SSE_REDIS_REPLICAS}: replicas that must confirm each published
 *     event ({@code WAIT}) before the publish answers (default 0: no wait)
 * @param redisReplicaTimeout {@code SSE_REDIS_REPLICA_TIMEOUT_MS}: how long a publish waits for
 *     them (default: the history's, 100 ms)
 * @param streamLimits {@code SSE_MAX_STREAMS_PER_USER}, {@code SSE_MAX_STREAMS_PER_ADDRESS},
 *     {@code SSE_TRUSTED_PROXIES}, {@code SSE_STREAM_LIMIT_POLICY}
 */
public record AppConfig(
    int port,
    Optional<String> redisUri,
    Optional<String> jwtSecret,
    List<String> corsOrigins,
    Duration keepAlive,
    Optional<Duration> retry,
    int historySize,
    int maxConnections,
    Optional<Integer> maxConnectsPerSecond,
    Optional<Integer> maxAcceptsPerSecond,
    int replayConcurrency,
    Duration shutdownGrace,
    Duration idempotencyWindow,
    boolean metrics,
    int redisReplicas,
    Optional<Duration> redisReplicaTimeout,
    StreamLimits streamLimits) {

  /**
   * The stream caps.
   *
   * @param perUser {@code SSE_MAX_STREAMS_PER_USER}: streams one authenticated subject may hold
   *     (default unlimited)
   * @param perAddress {@code SSE_MAX_STREAMS_PER_ADDRESS}: streams one client address may hold
   *     (default unlimited)
   * @param trustedProxies {@code SSE_TRUSTED_PROXIES}: comma-separated addresses and CIDR ranges
   *     whose {@code Forwarded} / {@code X-Forwarded-For} is believed (default none)
   * @param policy {@code SSE_STREAM_LIMIT_POLICY}: {@code supersede-oldest} (default) or {@code
   *     refuse-new}
   */
  public record StreamLimits(OptionalInt perUser, OptionalInt perAddress,
      List<String> trustedProxies, StreamLimitPolicy policy) {
    /** Sets these caps on {@code servlet}. */
    void applyTo(SseServlet.Builder servlet) {
      perUser.ifPresent(servlet::maxStreamsPerPrincipal);
      perAddress.ifPresent(servlet::maxStreamsPerAddress);
      servlet.trustedProxies(trustedProxies).streamLimitPolicy(policy);
    }

    private static StreamLimits read(Reader r) {
      List<String> proxies = r.list("SSE_TRUSTED_PROXIES");
      try {
        SseServlet.builder().trustedProxies(proxies);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("SSE_TRUSTED_PROXIES must list IP addresses and CIDR"
            + " ranges: " + e.getMessage().replaceFirst("^trustedProxies: ", ""), e);
      }
      String policy = r.string("SSE_STREAM_LIMIT_POLICY")
          .orElse(StreamLimitPolicy.SUPERSEDE_OLDEST.setting());
      StreamLimitPolicy chosen = null;
      for (StreamLimitPolicy each : StreamLimitPolicy.values()) {
        if (each.setting().equals(policy)) {
          chosen = each;
        }
      }
      if (chosen == null) {
        throw new IllegalArgumentException("SSE_STREAM_LIMIT_POLICY must be 'supersede-oldest' or"
            + " 'refuse-new', was '" + policy + "'");
      }
      return new StreamLimits(r.optionalInteger("SSE_MAX_STREAMS_PER_USER"),
          r.optionalInteger("SSE_MAX_STREAMS_PER_ADDRESS"), proxies, chosen);
    }
  }

  /** Reads the configuration from {@code env}, with the defaults above. */
  public static AppConfig fromEnvironment(Map<String, String> env) {
    Reader r = new Reader(env);
    return new AppConfig(
        r.integer("PORT", 8080, 0, 65535),
        r.string("SSE_REDIS_URI"),
        r.string("SSE_AUTH_JWT_SECRET"),
        r.list("SSE_CORS_ORIGINS"),
        Duration.ofMillis(r.integer("SSE_KEEPALIVE_MS", 15_000, 1, Integer.MAX_VALUE)),
        r.string("SSE_RETRY_MS").map(v -> Duration.ofMillis(
            r.integer("SSE_RETRY_MS", 0, 0, Integer.MAX_VALUE))),
        r.integer("SSE_HISTORY_SIZE", 1000, 1, Integer.MAX_VALUE),
        r.integer("SSE_MAX_CONNECTIONS", 100_000, 1, Integer.MAX_VALUE),
        r.string("SSE_MAX_CONNECTS_PER_SECOND").map(v ->
            r.integer("SSE_MAX_CONNECTS_PER_SECOND", 0, 1, Integer.MAX_VALUE)),
        r.string("SSE_MAX_ACCEPTS_PER_SECOND").map(v ->
            r.integer("SSE_MAX_ACCEPTS_PER_SECOND", 0, 1, Integer.MAX_VALUE)),
        r.integer("SSE_REPLAY_CONCURRENCY", SseHub.DEFAULT_REPLAY_CONCURRENCY, 1,
            Integer.MAX_VALUE),
        Duration.ofMillis(r.integer("SSE_SHUTDOWN_GRACE_MS", 5000, 0, Integer.MAX_VALUE)),
        Duration.ofMillis(r.integer("SSE_IDEMPOTENCY_WINDOW_MS", 300_000, 1, 86_400_000)),
        r.onOff("SSE_METRICS", true),
        r.integer("SSE_REDIS_REPLICAS", 0, 0, 100),
        r.string("SSE_REDIS_REPLICA_TIMEOUT_MS").map(v -> Duration.ofMillis(
            r.integer("SSE_REDIS_REPLICA_TIMEOUT_MS", 100, 1, Integer.MAX_VALUE))),
        StreamLimits.read(r));
  }

  /** Typed reads of environment variables with messages that name them. */
  private record Reader(Map<String, String> env) {
    Optional<String> string(String name) {
      String value = env.get(name);
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    int integer(String name, int defaultValue, int min, int max) {
      Optional<String> value = string(name);
      if (value.isEmpty()) {
        return defaultValue;
      }
      try {
        int parsed = Integer.parseInt(value.get());
        if (parsed < min || parsed > max) {
          throw new NumberFormatException();
        }
        return parsed;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to "
            + max + ", was '" + value.get() + "'");
      }
    }

    OptionalInt optionalInteger(String name) {
      return string(name).isEmpty() ? OptionalInt.empty()
          : OptionalInt.of(integer(name, 0, 1, Integer.MAX_VALUE));
    }

    boolean onOff(String name, boolean defaultValue) {
      Optional<String> value = string(name);
      if (value.isEmpty()) {
        return defaultValue;
      }
      return switch (value.get()) {
        case "on" -> true;
        case "off" -> false;
        default -> throw new IllegalArgumentException(name + " must be 'on' or 'off', was '"
            + value.get() + "'");
      };
    }

    List<String> list(String name) {
      List<String> out = new ArrayList<>();
      string(name).ifPresent(v -> {
        for (String part : v.split(",")) {
          if (!part.isBlank()) {
            out.add(part.trim());
          }
        }
      });
      return List.copyOf(out);
    }
  }
}
