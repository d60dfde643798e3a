package io.ssekit;

import io.ssekit.spi.StoredEvent;

/**
 * The encodings of recently replayed events, shared by every stream of the hub that replays
 * them. After a reconnect storm thousands of streams replay the same few events: each is encoded
 * once, not once per stream, and the streams write the same bytes.
 *
 * <p>Direct-mapped on the event's topic and position: a slot holds one event, and a collision
 * replaces it (its cost is a second encoding, never a wrong one). A slot answers only for the
 * event of the same epoch, topic and position, which a history never gives to two different
 * events (see {@link io.ssekit.spi.EventHistory}). Events larger than {@value #MAX_FRAME} bytes
 * are encoded for each stream and not kept, so the cache holds at most {@value #SLOTS} times
 * that.
 *
 * <p>Thread-safety: any thread. A slot is one reference to an immutable entry, so a reader sees
 * either a whole entry or an older one; two threads encoding the same event both write it.
 */
final class ReplayEncodings {
  static final int SLOTS = 1024;
  static final int MAX_FRAME = 4096;

  private final Entry[] slots = new Entry[SLOTS];

  /** {@code event}, encoded for a replay: from the cache, or encoded now and kept. */
  EncodedEvent of(StoredEvent event) {
    int slot = slot(event);
    Entry entry = slots[slot];
    if (entry != null && entry.holds(event)) {
      return entry.encoded;
    }
    EncodedEvent encoded = EncodedEvent.of(event);
    if (encoded.frame().length <= MAX_FRAME) {
      slots[slot] = new Entry(event, encoded);
    }
    return encoded;
  }

  private static int slot(StoredEvent event) {
    int hash = event.topic().hashCode() * 31 + Long.hashCode(event.position());
    return (hash ^ (hash >>> 16)) & (SLOTS - 1);
  }

  private record Entry(StoredEvent event, EncodedEvent encoded) {
    boolean holds(StoredEvent other) {
      return event == other || event.position() == other.position()
          && event.topic().equals(other.topic()) && event.epoch().equals(other.epoch());
    }
  }
}
