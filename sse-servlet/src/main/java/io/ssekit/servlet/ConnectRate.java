package io.ssekit.servlet;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The connect-rate limit of one servlet: a token bucket of {@code perSecond} new streams a
 * second that holds one second's worth (at least one) for a burst, and the spread of the
 * requests it refuses.
 *
 * <p>Lock-free: the bucket is one {@code long}, the instant at which it is full again (the
 * theoretical arrival time of the generic cell rate algorithm), moved by compare-and-set; a
 * request is admitted when taking its token would not push that instant more than a burst past
 * now. Refusals have a second such instant, the end of the <em>excess</em>: each refusal moves it
 * one token's time further, so it says how long the bucket needs, at its rate, to admit every
 * request refused so far. A refused request is told to come back that much later than the usual
 * close hint, less a random part of one token's time: the n-th request over the rate comes back
 * within the n-th token's time. The more requests are over the rate, the wider the window over
 * which they come back, at the rate the bucket admits, instead of all at once. The window is at
 * most {@value #MAX_SPREAD_SECONDS} s.
 */
final class ConnectRate {
  /** The widest window over which refused requests are spread, in seconds. */
  static final long MAX_SPREAD_SECONDS = 300;

  private final long intervalNanos;
  private final long burstNanos;
  private final LongSupplier clock;
  /** When the bucket is full again: each admitted request moves it one interval later. */
  private final AtomicLong full;
  /** When the bucket will have admitted, at its rate, every request it has refused. */
  private final AtomicLong excessEnds;

  /** A limit of {@code perSecond} new streams a second, on {@link System#nanoTime()}. */
  ConnectRate(int perSecond) {
    this(perSecond, System::nanoTime);
  }

  ConnectRate(int perSecond, LongSupplier clock) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("maxConnectsPerSecond must be positive, was " + perSecond);
    }
    this.intervalNanos = Math.max(1, TimeUnit.SECONDS.toNanos(1) / perSecond);
    this.burstNanos = intervalNanos * Math.max(1, perSecond);
    this.clock = clock;
    long now = clock.getAsLong();
    this.full = new AtomicLong(now);
    this.excessEnds = new AtomicLong(now);
  }

  /**
   * Takes a token for a new stream.
   *
   * @return {@code null} when admitted; for a refused request, how much later than the usual
   *     close hint it should come back: a random point of its own token's time at the end of the
   *     time the bucket needs for the requests it has refused so far
   */
  Duration admit() {
    long now = clock.getAsLong();
    while (true) {
      long at = full.get();
      long next = Math.max(at, now) + intervalNanos;
      if (next - now > burstNanos) {
        return spread(now);
      }
      if (full.compareAndSet(at, next)) {
        return null;
      }
    }
  }

  private Duration spread(long now) {
    long cap = TimeUnit.SECONDS.toNanos(MAX_SPREAD_SECONDS);
    while (true) {
      long at = excessEnds.get();
      long next = Math.min(Math.max(at, now) + intervalNanos, now + cap);
      if (excessEnds.compareAndSet(at, next)) {
        long window = next - now;
        long within = ThreadLocalRandom.current().nextLong(Math.min(intervalNanos, window) + 1);
        return Duration.ofNanos(window - within);
      }
    }
  }
}
