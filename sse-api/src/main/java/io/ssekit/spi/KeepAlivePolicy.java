package io.ssekit.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How streams are kept alive and how clients are told to come back.
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li>{@link #interval()} is positive: a stream idle for that long gets a keep-alive comment.
 *       Writing it is also how a vanished client is noticed.</li>
 *   <li>{@link #retry()}, when present, is sent as {@code retry:} when a stream opens.</li>
 *   <li>{@link #maxLifetime()}, when present, closes a stream after that long, so clients spread
 *       over instances again; the client reconnects and resumes without loss.</li>
 *   <li>{@link #retryBeforeClose(double)} is the hint sent before the server closes a stream on
 *       its own (shutdown, connection cap, lifetime); it never shrinks as load grows.</li>
 *   <li>Implementations are immutable and thread-safe.</li>
 * </ol>
 */
public interface KeepAlivePolicy {
  /** The default keep-alive interval, short enough for common proxy idle timeouts. */
  Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

  /** The hint used before closing when {@link #retry()} is empty. */
  Duration DEFAULT_CLOSE_RETRY = Duration.ofSeconds(3);

  /** Keep-alive comments every {@code interval}, no retry hint, no lifetime limit. */
  static Fixed every(Duration interval) {
    return new Fixed(interval, Optional.empty(), Optional.empty());
  }

  /** {@code every(DEFAULT_INTERVAL)}. */
  static Fixed defaults() {
    return every(DEFAULT_INTERVAL);
  }

  /** How long a stream may be idle before a keep-alive comment is written. */
  Duration interval();

  /** The {@code retry:} hint sent when a stream opens. */
  Optional<Duration> retry();

  /** How long a stream may stay open before the server closes it for rebalancing. */
  Optional<Duration> maxLifetime();

  /**
   * The {@code retry:} hint sent before the server closes a stream, given the load.
   *
   * @param load connections in use divided by the connection cap, from 0 to 1
   * @return by default the open-time hint (or {@link #DEFAULT_CLOSE_RETRY}) times {@code 1 + 4 *
   *     load}; the caller adds jitter
   */
  default Duration retryBeforeClose(double load) {
    double clamped = Math.max(0, Math.min(1, load));
    Duration base = retry().orElse(DEFAULT_CLOSE_RETRY);
    return Duration.ofMillis(Math.round(base.toMillis() * (1 + 4 * clamped)));
  }

  /**
   * The built-in policy: fixed values.
   *
   * @param interval keep-alive interval, positive
   * @param retry retry hint at open, not negative
   * @param maxLifetime maximum stream lifetime, positive
   */
  record Fixed(Duration interval, Optional<Duration> retry, Optional<Duration> maxLifetime)
      implements KeepAlivePolicy {
    /** Checks each value, naming it. */
    public Fixed {
      Objects.requireNonNull(interval, "keepAlive");
      Objects.requireNonNull(retry, "retry");
      Objects.requireNonNull(maxLifetime, "maxLifetime");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("keepAlive must be positive, was " + interval);
      }
      retry.filter(Duration::isNegative).ifPresent(bad -> {
        throw new IllegalArgumentException("retry must not be negative, was " + bad);
      });
      maxLifetime.filter(d -> d.isNegative() || d.isZero()).ifPresent(bad -> {
        throw new IllegalArgumentException("maxLifetime must be positive, was " + bad);
      });
    }

    /** A copy that sends {@code retry} when a stream opens. */
    public Fixed withRetry(Duration retry) {
      return new Fixed(interval, Optional.of(retry), maxLifetime);
    }

    /** A copy that closes streams after {@code maxLifetime}. */
    public Fixed withMaxLifetime(Duration maxLifetime) {
      return new Fixed(interval, retry, Optional.of(maxLifetime));
    }
  }
}
