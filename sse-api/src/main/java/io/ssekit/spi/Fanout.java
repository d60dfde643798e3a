package io.ssekit.spi;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Carries stored events from the instance that published them to every instance's hub,
 * including its own. The default, {@link #local()}, stays inside one process; a distributed
 * fanout (for example through Redis) lets several instances behind a load balancer serve the
 * same topics.
 *
 * <h2>Contract</h2>
 * The clauses are numbered; {@code FanoutContract} in {@code sse-testkit} checks each one,
 * clause 9 where the implementation's own test can cut its transport (the kit says so when it
 * cannot). {@link #attach} has its contract in its own Javadoc; the kit leaves it to each
 * implementation's tests.
 * <ol>
 *   <li><b>Start once.</b> {@link #start} is called once, before any other method but
 *       {@link #attach}; a second call throws {@link IllegalStateException}.</li>
 *   <li><b>Subscribe, then receive.</b> Once the stage of {@link #subscribe(String)} has
 *       completed, every event later published for that topic, on any instance sharing the
 *       fanout, reaches the listener. A fanout may also deliver events of topics nobody
 *       subscribed to; the hub ignores them.</li>
 *   <li><b>Order.</b> Events of one topic reach the listener in the order in which their
 *       {@link #publish} calls were made, when each call was made after the previous one's stage
 *       completed (the hub publishes each topic in that way).</li>
 *   <li><b>Once.</b> An event reaches each instance's listener at most once for each time it was
 *       published.</li>
 *   <li><b>Listener calls.</b> When the publish calls of a topic are made as in clause 3, the
 *       listener is not called concurrently for that topic. An exception thrown by the listener
 *       is logged and does not stop later deliveries.</li>
 *   <li><b>Unsubscribe.</b> After {@link #unsubscribe(String)} the fanout may stop delivering
 *       that topic; subscribe and unsubscribe of one topic take effect in call order.</li>
 *   <li><b>Non-blocking.</b> No method blocks its caller; {@code publish} completes when the
 *       event has been handed to the transport (a fanout that calls the listener on the
 *       publishing thread: once the listener has returned), and fails its stage when it cannot
 *       be.</li>
 *   <li><b>Close.</b> After {@link #close()} the listener is not called again and
 *       {@code publish} answers a stage failed with {@link IllegalStateException}; {@code close}
 *       is idempotent.</li>
 *   <li><b>Missed.</b> A fanout whose transport was cut off calls
 *       {@link Listener#onMissed} with every topic it may have missed events of, once it is
 *       subscribed to them again (so that every later event reaches the listener). Between the
 *       cut and that call it delivers no event of those topics: an event after a gap would move
 *       a stream past what it missed. A fanout that never loses messages, like {@link
 *       #local()}, never calls it.</li>
 * </ol>
 *
 * <p>A distributed fanout may lose messages while its transport is disconnected. Once it is
 * subscribed again it calls {@link Listener#onMissed} with the topics it may have missed, and the
 * hub fills the gap from the {@link EventHistory}: events are never lost for clients, whether
 * they stay connected or reconnect.
 */
public interface Fanout extends AutoCloseable {

  /** Receives the events a fanout delivers. */
  @FunctionalInterface
  interface Listener {
    /**
     * Called for each delivered event. Must not block: the hub only hands the event's bytes to
     * its local streams' queues. Nothing comes back: the fanout has done its part once the
     * listener returns.
     */
    void onEvent(StoredEvent event);

    /**
     * Called instead of {@link #onEvent(StoredEvent)} by a fanout that knows when the event was
     * appended, so that its delivery lag counts from there (on a fanout across instances, the
     * publishing instance's append), not from its receipt here. The same contract otherwise; by
     * default the time is ignored.
     *
     * @param appendedMicros when the event was appended: microseconds since the Unix epoch by the
     *     appending instance's clock (instances' clocks are assumed in step, as NTP keeps them);
     *     0 when unknown
     */
    default void onEvent(StoredEvent event, long appendedMicros) {
      onEvent(event);
    }

    /**
     * Says that events of {@code topics} may have been published without reaching this
     * instance (the transport was cut off), and that the fanout is subscribed to them again.
     * The hub brings its streams of those topics up to date from the history: each gets what it
     * missed, or {@code sse-reset} where the history no longer holds it. Must not block, and
     * never throws.
     */
    default void onMissed(Set<String> topics) {}

    /** A listener that runs {@code action} on each event. */
    static Listener of(Consumer<StoredEvent> action) {
      Objects.requireNonNull(action, "action");
      return action::accept;
    }
  }

  /**
   * The in-process fanout: {@link #publish} hands the event straight to the listener on the
   * calling thread. Each call returns a new, independent fanout.
   */
  static Fanout local() {
    return new LocalFanout();
  }

  /**
   * Called once by the hub before {@link #start}, with the history it appends to. A fanout that
   * can deliver straight from the history's store arranges that here: the Redis fanout, given
   * the Redis history, has the history publish each event in the step that appends it and then
   * sends nothing itself. A fanout that cannot work with {@code history} (it points at another
   * store than the fanout, say) throws {@link IllegalStateException} saying why, which fails the
   * hub's start. Unlike the other methods this one may wait, briefly (a round trip to the
   * store), as it runs while the hub is built. The default does nothing.
   *
   * @param history the hub's history, never {@code null}
   */
  default void attach(EventHistory history) {}

  /** Starts delivering to {@code listener} (clause 1). */
  void start(Listener listener);

  /** Starts receiving {@code topic}; the stage completes once deliveries are assured (clause 2). */
  CompletionStage<Void> subscribe(String topic);

  /** Stops receiving {@code topic} (clause 6). */
  CompletionStage<Void> unsubscribe(String topic);

  /** Sends {@code event} to every instance (clauses 3, 4 and 7). */
  CompletionStage<Void> publish(StoredEvent event);

  /** Stops delivering and releases resources (clause 8). */
  @Override
  void close();
}
