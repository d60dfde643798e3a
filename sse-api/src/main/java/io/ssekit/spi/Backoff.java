package io.ssekit.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * Pauses between attempts of something that failed and is tried again: the first pause, doubled
 * at each attempt up to a largest one. ssekit uses {@link #DEFAULT} for the hub's catch-up reads
 * and for a fanout's resubscriptions; an implementation of the SPIs may use it for its own.
 *
 * @param first the pause after the first failed attempt, positive
 * @param max the largest pause, at least {@code first}
 */
public record Backoff(Duration first, Duration max) {
  /** 100 ms, doubling up to 2 s. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

  /** Checks each value, naming it. */
  public Backoff {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(max, "max");
    if (first.isNegative() || first.isZero()) {
      throw new IllegalArgumentException("first must be positive, was " + first);
    }
    if (max.compareTo(first) < 0) {
      throw new IllegalArgumentException("max must be at least first (" + first + "), was " + max);
    }
  }

  /**
   * The pause after {@code failures} failed attempts in a row.
   *
   * @param failures 1 or more
   * @return in milliseconds: {@code first} doubled {@code failures - 1} times, at most {@code max}
   */
  public long pauseMillis(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1, was " + failures);
    }
    long pause = first.toMillis() << Math.min(failures - 1, 30);
    return Math.min(max.toMillis(), pause < 0 ? Long.MAX_VALUE : pause);
  }
}
