package io.ssekit.history.memory;

import io.ssekit.spi.StoredEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The held events of one topic. Not thread-safe: every access runs inside the cache's per-key
 * {@code compute}, which serialises it.
 *
 * <p>Invariant: every event of the topic with a position in {@code (dropped, head]} is held.
 */
final class TopicLog {
  /** Rough per-event overhead of the deque slot, the record and the strings' headers. */
  private static final int EVENT_OVERHEAD = 96;

  private final ArrayDeque<StoredEvent> events = new ArrayDeque<>();
  private final ArrayDeque<Long> times = new ArrayDeque<>();
  private long dropped;
  private long head;
  private long bytes;

  /**
   * @param dropped positions up to this one may have existed and are not held
   * @param head a position every later event of the topic exceeds
   */
  TopicLog(long dropped, long head) {
    this.dropped = dropped;
    this.head = head;
  }

  void add(StoredEvent event, long nowMillis) {
    events.addLast(event);
    times.addLast(nowMillis);
    head = event.position();
    bytes += weigh(event);
  }

  /** Drops the oldest events beyond the count, byte and age bounds. */
  void trim(int maxEvents, long maxBytes, long oldestAllowedMillis) {
    while (!events.isEmpty()
        && (events.size() > maxEvents || bytes > maxBytes || times.peekFirst() < oldestAllowedMillis)) {
      StoredEvent gone = events.removeFirst();
      times.removeFirst();
      bytes -= weigh(gone);
      dropped = gone.position();
    }
  }

  long dropped() {
    return dropped;
  }

  long head() {
    return head;
  }

  /** The held events after {@code position}, in order. */
  List<StoredEvent> after(long position) {
    List<StoredEvent> out = new ArrayList<>();
    Iterator<StoredEvent> it = events.descendingIterator();
    while (it.hasNext()) {
      StoredEvent event = it.next();
      if (event.position() <= position) {
        break;
      }
      out.add(event);
    }
    Collections.reverse(out);
    return out;
  }

  /** The position just before the oldest held event, or the head when none is held. */
  long beforeOldest() {
    return events.isEmpty() ? head : events.peekFirst().position() - 1;
  }

  /** The cache weight: estimated bytes held, at least 1. */
  int weight() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, bytes + EVENT_OVERHEAD));
  }

  private static long weigh(StoredEvent event) {
    long chars = event.data().length() + (event.name() == null ? 0 : event.name().length());
    return 2 * chars + EVENT_OVERHEAD;
  }
}
