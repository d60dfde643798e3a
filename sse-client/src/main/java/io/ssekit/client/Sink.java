package io.ssekit.client;

import java.net.http.HttpResponse;

/**
 * Where an {@link Engine} delivers: one of the three ways of consuming a source. Called on the
 * engine's serial executor only, one call at a time.
 */
interface Sink {
  /** Whether it can take another event now: the engine reads no further bytes while it cannot. */
  boolean wantsMore();

  /** A response opened the stream. */
  void open(HttpResponse.ResponseInfo response);

  /** An event; takes one unit of demand. */
  void event(MessageEvent event);

  /** A reset, with the event it was read from; takes one unit of demand. */
  void reset(StreamReset reset, MessageEvent event);

  /** A comment. */
  void comment(String text);

  /** A connection failed; the source reconnects. */
  void error(EventSourceException error);

  /** The source is closed: by close() when {@code error} is null, else because of it. */
  void closed(EventSourceException error);
}
