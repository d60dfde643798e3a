package io.ssekit;

import java.util.SortedSet;

/** One stream's registration with the hub. Thread-safe. */
public interface Subscription extends AutoCloseable {
  /** The topics of the stream, sorted. */
  SortedSet<String> topics();

  /** Whether events still flow to the stream's sink. */
  boolean isOpen();

  /**
   * Stops the flow of events and releases the stream's registrations; idempotent. The sink's
   * {@link StreamSink#end()} is not called.
   */
  @Override
  void close();
}
