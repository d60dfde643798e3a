package io.ssekit;

import io.ssekit.spi.SseEvent;
import io.ssekit.spi.StoredEvent;

/**
 * A stored event encoded once for every stream: {@code frame} carries the event's own id (right
 * for every stream of that topic alone), {@code body} the same event without an id, for streams
 * of several topics that put their own cursor in front. {@code publishedNanos} is when the hub
 * accepted its publish or received it from the fanout ({@link System#nanoTime()}), for the
 * listener's delivery lag; 0 for a replayed event, and when nobody listens.
 */
record EncodedEvent(byte[] frame, byte[] body, long publishedNanos) {

  /** Encodes a replayed {@code event}. */
  static EncodedEvent of(StoredEvent event) {
    return of(event, 0);
  }

  /** Encodes a live {@code event}, published at {@code publishedNanos} (0: not timed). */
  static EncodedEvent of(StoredEvent event, long publishedNanos) {
    byte[] body = SseEncoder.encode(new SseEvent(null, event.name(), event.data(), null));
    byte[] id = SseEncoder.idField(event.id());
    byte[] frame = new byte[id.length + body.length];
    System.arraycopy(id, 0, frame, 0, id.length);
    System.arraycopy(body, 0, frame, id.length, body.length);
    return new EncodedEvent(frame, body, publishedNanos);
  }
}
