package io.ssekit.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off with full jitter: the n-th reconnection in a row waits a uniformly random
 * time between zero and {@code min(max, base × 2^(n-1))}, where the base is the server's {@code
 * retry:} when it sent one, else the initial delay. A base above the maximum is the ceiling
 * itself.
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;

  /** {@code random} gives values in {@code [0, 1)}. */
  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The wait before reconnection {@code attempt} (1 for the first in a row). */
  Duration delay(int attempt, Duration serverRetry) {
    return Duration.ofMillis((long) (random.getAsDouble() * (ceiling(attempt, serverRetry) + 1)));
  }

  /** The longest wait before reconnection {@code attempt}, in milliseconds. */
  long ceiling(int attempt, Duration serverRetry) {
    long base = Math.max(1, (serverRetry != null ? serverRetry : initial).toMillis());
    long cap = Math.max(max.toMillis(), base);
    int shift = Math.min(Math.max(attempt, 1) - 1, 62);
    return base > (cap >> shift) ? cap : base << shift;
  }
}
