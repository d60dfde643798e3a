package io.ssekit.spi;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keeps recent events per topic, assigns their positions, and tells a starting stream what it
 * missed. The history is what makes streams lossless across reconnects: the hub appends every
 * published event here before any subscriber sees it.
 *
 * <h2>Contract</h2>
 * The clauses are numbered; {@code EventHistoryContract} in {@code sse-testkit} checks each one
 * and cites its number.
 * <ol>
 *   <li><b>Positions.</b> {@link #append} assigns each event a position greater than every
 *       position assigned before to that topic in the same epoch. Positions are never reused
 *       within an epoch, even after the topic's events were trimmed or the whole topic was
 *       evicted, and a store that comes back with older data (restored from a backup, a replica
 *       promoted before it had the last writes) either keeps the epoch and assigns positions
 *       above every one assigned before, or has a new epoch. Positions need not be
 *       consecutive.</li>
 *   <li><b>Epoch.</b> Every event and every replay carries the history's current epoch. When the
 *       history loses what it held (a process restart of an in-memory history, a flushed or
 *       replaced store) it has a new epoch, never an old one again.</li>
 *   <li><b>Order.</b> Appends to one topic take effect one after another; an append that
 *       completes before another starts gets the smaller position. Appends may be called from any
 *       number of threads at once.</li>
 *   <li><b>New stream.</b> {@code replay(null, topics)} answers a start cursor at the head of
 *       each topic (the position of its last event, or a position that every later event of the
 *       topic exceeds), no events and nothing incomplete.</li>
 *   <li><b>Resume.</b> {@code replay(cursor, topics)} with a cursor of the current epoch
 *       answers, for each topic the cursor covers, every held event after the cursor's position
 *       in position order, and starts the topic at the cursor's position. A topic the cursor does
 *       not cover starts at its head, with no events.</li>
 *   <li><b>Loss is said.</b> When events after the cursor's position are no longer all held
 *       (trimmed by count or age, topic evicted), or the position lies beyond anything assigned in
 *       this epoch, the topic is {@linkplain Replay#incomplete() incomplete}: the replay holds the
 *       events that are still held after that position (all held events, for a position beyond
 *       the head) and starts the topic just before the first of them. A history never answers
 *       "complete" when it cannot vouch for it; an unnecessary "incomplete" is allowed but should
 *       be rare.</li>
 *   <li><b>Foreign epoch.</b> A cursor of another epoch makes every requested topic incomplete;
 *       the replay holds every held event of those topics.</li>
 *   <li><b>Bounds.</b> A history keeps a bounded number of events per topic and says in its
 *       documentation how (count, age, total size); memory or storage never grows without
 *       bound.</li>
 *   <li><b>Non-blocking.</b> No method blocks its caller; results arrive through the returned
 *       stage, which may complete on any thread. Failures (the store is down) fail the stage;
 *       methods do not throw, except for arguments that break their preconditions.</li>
 *   <li><b>Close.</b> After {@link #close()} every call answers a stage failed with
 *       {@link IllegalStateException}. {@code close} is idempotent.</li>
 *   <li><b>Idempotency.</b> {@link #append(String, String, String, IdempotencyKey)} with a key
 *       that an append to the same topic used less than the key's window ago stores nothing and
 *       answers that append's cursor, {@linkplain Appended#repeated() repeated}; the same key on
 *       another topic, or after the window, is a new key. This holds for every instance that
 *       shares the store, also for appends of one key at once. A history that keeps keys in
 *       bounded memory says how many it keeps. A history that takes no keys answers a stage
 *       failed with {@link UnsupportedOperationException} (the default method).</li>
 * </ol>
 *
 * <p>Implementations are thread-safe. The hub serialises appends and fan-out per topic, so a
 * history need not order an append against a concurrent append of the same topic from the same
 * hub, but it must stay correct when several hubs (instances) share it.
 */
public interface EventHistory extends AutoCloseable {

  /**
   * Appends an event to {@code topic} and assigns its position (clauses 1 to 3).
   *
   * @param topic a valid topic name
   * @param name the event name, or {@code null}
   * @param data the data, never {@code null}
   * @return the stored event, with its epoch and position
   */
  CompletionStage<StoredEvent> append(String topic, String name, String data);

  /**
   * Appends an event to {@code topic} unless {@code key} repeats the key of an append to the
   * topic within its window (clause 11; clauses 1 to 3 for what it stores).
   *
   * <p>The default answers a stage failed with {@link UnsupportedOperationException}: a history
   * must implement this to take idempotency keys.
   *
   * @param topic a valid topic name
   * @param name the event name, or {@code null}
   * @param data the data, never {@code null}
   * @param key the publish's idempotency key and how long it is remembered
   * @return the event stored now, or the cursor of the first append with {@code key}
   */
  default CompletionStage<Appended> append(String topic, String name, String data,
      IdempotencyKey key) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(
        getClass().getName() + " takes no idempotency keys"));
  }

  /**
   * Answers where a stream of {@code topics} starts and what it missed (clauses 4 to 7).
   *
   * @param after the client's cursor, or {@code null} for a stream without one
   * @param topics the stream's topics, non-empty
   * @return the replay; its start cursor covers exactly {@code topics}
   */
  CompletionStage<Replay> replay(Cursor after, Set<String> topics);

  /** Releases the history's resources (clause 10). */
  @Override
  void close();
}
