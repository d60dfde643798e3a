package io.ssekit.client;

import java.net.http.HttpResponse;

/**
 * Receives what happens on an {@link EventSource} started with {@link
 * EventSource#start(EventListener)}.
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li>Methods are called one at a time, in the order things happened, on a thread of the
 *       source; never concurrently.</li>
 *   <li>The source reads no further bytes while a method runs: a slow listener slows the stream,
 *       and nothing piles up in the client. A listener that must not slow the stream hands work
 *       to an executor of its own.</li>
 *   <li>An exception thrown by a method is logged and otherwise ignored.</li>
 *   <li>{@link #onClosed()} is the last call, exactly once.</li>
 *   <li>Every method has an empty default: implement those you need.</li>
 * </ol>
 */
public interface EventListener {
  /** A response opened the stream (status {@code 200}, {@code text/event-stream}). */
  default void onOpen(HttpResponse.ResponseInfo response) {}

  /** An event arrived. ssekit's own events other than resets never come here. */
  default void onEvent(MessageEvent event) {}

  /**
   * The server says events were lost ({@link ProtocolEvents#RESET}); the events it can still send
   * follow.
   */
  default void onReset(StreamReset reset) {}

  /** A comment line arrived: its text after the colon and one optional space. */
  default void onComment(String comment) {}

  /**
   * A connection failed or was refused; {@link EventSourceException#willReconnect()} says whether
   * the source tries again (if not, {@link #onClosed()} follows).
   */
  default void onError(EventSourceException error) {}

  /** The source is closed: by {@link EventSource#close()}, a final answer, or giving up. */
  default void onClosed() {}
}
