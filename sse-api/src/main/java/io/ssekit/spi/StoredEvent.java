package io.ssekit.spi;

import java.util.Objects;

/**
 * An event as a history holds it: published to one topic, with the position the history assigned
 * and the epoch it was assigned in.
 *
 * @param epoch the epoch of the history that assigned {@code position}
 * @param topic the topic it was published to
 * @param position its position in the topic, greater than zero
 * @param name the event name, or {@code null} for the default {@code message}
 * @param data the event data, never {@code null}
 */
public record StoredEvent(String epoch, String topic, long position, String name, String data) {

  /** Validates every field. */
  public StoredEvent {
    Cursor.requireValidEpoch(epoch);
    Topics.requireValid(topic);
    if (position <= 0) {
      throw new IllegalArgumentException("position must be positive, was " + position);
    }
    if (name != null) {
      SseEvent.requireWritableName(name);
    }
    Objects.requireNonNull(data, "data");
  }

  /** The cursor of a client that has this event and nothing else of its stream's other topics. */
  public Cursor cursor() {
    return Cursor.of(epoch, topic, position);
  }

  /** The id of this event on a stream of this topic alone. */
  public String id() {
    return cursor().text();
  }

  /** This event as it goes on the wire of a stream of this topic alone. */
  public SseEvent toSseEvent() {
    return new SseEvent(id(), name, data, null);
  }
}
