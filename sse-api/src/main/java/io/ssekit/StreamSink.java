package io.ssekit;

/**
 * Where the hub writes one stream's bytes: the servlet's per-connection queue, or anything else
 * that carries a {@code text/event-stream} to a client. Bytes flow down into the sink; the only
 * signal that flows back up is the credit the sink grants with {@link Subscription#request}.
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li>{@link #onSubscribe} is called once, before any other method, on the thread that called
 *       {@link SseHub#subscribe}. It may call the subscription's {@code request} or {@code
 *       close}; it must not block.</li>
 *   <li>{@link #offer} never blocks and never writes to a socket on the caller's thread: it
 *       queues. It is called by one thread at a time per stream, in stream order, while the hub
 *       holds that stream's lock: it must not call back into the hub.</li>
 *   <li>The arrays are shared with other streams and must not be modified.</li>
 *   <li>When {@code offer} answers {@code false} (the queue is full, or the stream is closed)
 *       the hub ends the subscription and calls {@link #end()}; the client reconnects and
 *       resumes from the history.</li>
 *   <li>{@link #end()} is called at most once, when the hub ends the stream on its own (queue
 *       full, history failure, hub closed), never while the hub holds the stream's lock, and
 *       never after the application closed the {@link Subscription} itself.</li>
 *   <li><b>Credit.</b> The hub writes a backlog (what a client missed, and the live events that
 *       arrived meanwhile) only within the credit the sink granted: each offer uses up its size
 *       in bytes, each {@code request(n)} adds {@code n}. A sink that writes its queue to a client
 *       grants credit as it writes, so that a backlog larger than its queue reaches the client at
 *       the pace the client reads. Live events of a stream that has caught up are offered
 *       whatever the credit: a client that cannot keep up with them falls behind (clause 4). By
 *       default a sink grants unlimited credit.</li>
 * </ol>
 */
public interface StreamSink {
  /**
   * The stream's subscription, before any offer (clause 1). By default grants unlimited credit;
   * a bounded sink grants what its queue can take and more as it drains (clause 6).
   */
  default void onSubscribe(Subscription subscription) {
    subscription.request(Long.MAX_VALUE);
  }

  /**
   * Queues one event, or one field group, for the client.
   *
   * @param head bytes to write first, or {@code null}; used for the per-stream {@code id:}
   *     field of a stream with several topics
   * @param body encoded bytes shared by every stream that gets this event
   * @return {@code false} when the bytes cannot be queued
   */
  boolean offer(byte[] head, byte[] body);

  /**
   * As {@link #offer(byte[], byte[])}, for a live event the hub accepted (or received from the
   * fanout) at {@code publishedNanos} ({@link System#nanoTime()}), so that a sink can report its
   * delivery lag to an {@link io.ssekit.spi.SseListener}; the hub passes 0 for replayed events
   * and when nobody listens. By default the time is ignored.
   */
  default boolean offer(byte[] head, byte[] body, long publishedNanos) {
    return offer(head, body);
  }

  /** The hub has ended this stream; finish the response so the client reconnects. */
  void end();
}
