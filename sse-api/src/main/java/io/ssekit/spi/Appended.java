package io.ssekit.spi;

import java.util.Objects;

/**
 * What an append with an {@link IdempotencyKey} did: stored a new event, or found the key of an
 * earlier append to the topic within the key's window and stored nothing.
 *
 * @param cursor the cursor of the event (of this append, or of the first append with the key):
 *     one topic at its position
 * @param event the event stored now, or {@code null} when the key repeats an earlier append
 */
public record Appended(Cursor cursor, StoredEvent event) {

  /** Checks that the cursor covers one topic and, for a stored event, is that event's. */
  public Appended {
    Objects.requireNonNull(cursor, "cursor");
    if (cursor.topics().size() != 1) {
      throw new IllegalArgumentException("an append's cursor covers one topic, was " + cursor);
    }
    if (event != null && !event.cursor().equals(cursor)) {
      throw new IllegalArgumentException("the cursor " + cursor + " is not the stored event's, "
          + event.cursor());
    }
  }

  /** An append that stored {@code event}. */
  public static Appended stored(StoredEvent event) {
    return new Appended(event.cursor(), event);
  }

  /** An append whose key repeats the append that stored the event at {@code position}. */
  public static Appended repeated(String epoch, String topic, long position) {
    return new Appended(Cursor.of(epoch, topic, position), null);
  }

  /** Whether the key repeated an earlier append (and nothing was stored). */
  public boolean repeated() {
    return event == null;
  }

  /** The event's id on a stream of its topic alone: the first append's for a repeat. */
  public String id() {
    return cursor.text();
  }
}
