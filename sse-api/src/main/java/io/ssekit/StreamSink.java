package io.ssekit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the hub writes one stream's bytes: the servlet's per-connection queue, or anything else
 * that carries a {@code text/event-stream} to a client.
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li>{@link #offer} never blocks and never writes to a socket on the caller's thread: it
 *       queues. It is called by one thread at a time per stream, in stream order.</li>
 *   <li>The arrays are shared with other streams and must not be modified.</li>
 *   <li>When {@code offer} answers {@code false} (the queue is full, or the stream is closed)
 *       the hub ends the subscription and calls {@link #end()}; the client reconnects and
 *       resumes from the history.</li>
 *   <li>{@link #end()} is called at most once, when the hub ends the stream on its own (queue
 *       full, history failure, new epoch, hub closed). It is not called after the application
 *       closed the {@link Subscription} itself.</li>
 *   <li>{@link #room()} never blocks. It answers {@link #HAS_ROOM} unless the thread that writes
 *       the sink's queue to its client is behind: then a stage completed once it has caught up.
 *       The hub completes a local publish only then, so publishers go at the writer's pace. A
 *       queue waiting for a slow client, not for its writer, has room: a slow client never
 *       slows publishers (it falls behind and is ended, clause 3).</li>
 *   <li>A bounded queue says how much a long backlog may add to it ({@link #spare()}) and when
 *       it has handed everything to its client's connection ({@link #drained()}). The hub writes
 *       a replay, or the live events that waited for it, in pieces that fit: a stream whose
 *       client missed more than its queue holds still gets all of it, at the pace the client
 *       reads.</li>
 * </ol>
 */
public interface StreamSink {
  /** The answer of {@link #room()} when the sink can take more at once. */
  CompletionStage<Void> HAS_ROOM = CompletableFuture.completedStage(null);

  /**
   * Queues one event, or one field group, for the client.
   *
   * @param head bytes to write first, or {@code null}; used for the per-stream {@code id:}
   *     field of a stream with several topics
   * @param body encoded bytes shared by every stream that gets this event
   * @return {@code false} when the bytes cannot be queued
   */
  boolean offer(byte[] head, byte[] body);

  /** The hub has ended this stream; finish the response so the client reconnects. */
  void end();

  /**
   * When the sink's writer can take more (clause 5); by default at once.
   *
   * @return {@link #HAS_ROOM}, or a stage completed when the writer has caught up; never failed
   */
  default CompletionStage<Void> room() {
    return HAS_ROOM;
  }

  /**
   * How many more bytes a producer with more to queue than fits at once, such as a long replay,
   * may queue now (clause 6). It leaves room for live events and notices: a bounded queue answers
   * half its bound less what it holds, at least 0. An empty queue takes any one frame, so a sink
   * with nothing queued answers {@link Integer#MAX_VALUE}; so does an unbounded sink, by default.
   */
  default int spare() {
    return Integer.MAX_VALUE;
  }

  /**
   * A stage completed once nothing is queued any more (clause 6): everything was handed to the
   * connection, not necessarily read yet. At once when the queue is empty or the sink is closed.
   * It completes on the thread that wrote the last bytes, holding none of the sink's locks; what
   * continues it should queue and return, not block. A sink that closes while the stage waits
   * may leave it incomplete: its stream is over.
   *
   * @return {@link #HAS_ROOM}, or a stage completed when the queue has emptied; never failed
   */
  default CompletionStage<Void> drained() {
    return HAS_ROOM;
  }
}
