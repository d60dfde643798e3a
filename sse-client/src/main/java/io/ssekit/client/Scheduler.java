package io.ssekit.client;

import java.time.Duration;
import java.time.Instant;

/**
 * The clock and the timer an {@link EventSource} waits with: before it reconnects, for silence
 * on a stream, and before it renews credentials. By default each source has one daemon thread
 * of its own for this, stopped by {@link EventSource#close()}; tests give a fake one that they
 * advance by hand.
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li>{@link #schedule} runs {@code task} once, no sooner than {@code delay} after the call,
 *       on any thread, unless it is cancelled first; the task only hands work to the source and
 *       returns at once.</li>
 *   <li>{@link Cancellable#cancel()} may be called any number of times, from any thread, also
 *       after the task ran.</li>
 *   <li>Implementations are thread-safe; a source never closes a scheduler it was given.</li>
 * </ol>
 */
public interface Scheduler {
  /** The current instant. */
  Instant now();

  /** Runs {@code task} once after {@code delay}. */
  Cancellable schedule(Duration delay, Runnable task);

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Calls the task off if it has not run yet. */
    void cancel();
  }
}
