package io.ssekit;

import io.ssekit.spi.SseEvent;
import io.ssekit.spi.StoredEvent;

/**
 * A stored event encoded once for every stream: {@code frame} carries the event's own id (right
 * for every stream of that topic alone), {@code body} the same event without an id, for streams
 * of several topics that put their own cursor in front.
 */
record EncodedEvent(byte[] frame, byte[] body) {

  /** Encodes {@code event}. */
  static EncodedEvent of(StoredEvent event) {
    byte[] body = SseEncoder.encode(new SseEvent(null, event.name(), event.data(), null));
    byte[] id = SseEncoder.idField(event.id());
    byte[] frame = new byte[id.length + body.length];
    System.arraycopy(id, 0, frame, 0, id.length);
    System.arraycopy(body, 0, frame, id.length, body.length);
    return new EncodedEvent(frame, body);
  }
}
