package io.ssekit;

import java.util.SortedSet;

/** One stream's registration with the hub. Thread-safe; no method blocks. */
public interface Subscription extends AutoCloseable {
  /** The topics of the stream, sorted. */
  SortedSet<String> topics();

  /** Whether events still flow to the stream's sink. */
  boolean isOpen();

  /**
   * Grants the hub {@code bytes} more credit for this stream's backlog (see {@link StreamSink},
   * clause 6). Credit adds up, saturating at {@link Long#MAX_VALUE}; a closed subscription
   * ignores it. Never calls the sink on the caller's thread: the backlog goes on on the hub's
   * own threads.
   *
   * @throws IllegalArgumentException when {@code bytes} is not positive
   */
  void request(long bytes);

  /**
   * Stops the flow of events and releases the stream's registrations; idempotent, callable under
   * any lock. The sink's {@link StreamSink#end()} is not called.
   */
  @Override
  void close();
}
