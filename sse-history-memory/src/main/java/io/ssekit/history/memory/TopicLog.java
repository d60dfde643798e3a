package io.ssekit.history.memory;

import io.ssekit.spi.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The held events of one topic. Not thread-safe: every access runs inside the cache's per-key
 * {@code compute}, which serialises it.
 *
 * <p>Invariant: every event of the topic with a position in {@code (dropped, head]} is held.
 *
 * <p>Memory follows what the topic holds, not the count bound: the events and their append
 * times are two rings that start at {@value #FIRST_CAPACITY} slots, double as events come (never
 * beyond the count bound) and are released when the topic holds none; no object per event beyond
 * the event itself. Every event of the topic shares the topic's name and, when it repeats the
 * previous event's name, that name: a topic of many short events does not hold a copy of them
 * per event.
 */
final class TopicLog {
  /** Rough per-event overhead of the ring slots, the record and the strings' headers. */
  private static final int EVENT_OVERHEAD = 96;
  /**
   * Rough heap of a topic that holds no event: its cache entry, its name and this log (about 200
   * bytes measured on a 64-bit JVM with compressed references).
   */
  private static final int TOPIC_OVERHEAD = 208;
  private static final int FIRST_CAPACITY = 2;

  private final String topic;
  private final int maxEvents;
  /** The ring of held events, oldest at {@code first}; null while none is held. */
  private StoredEvent[] events;
  /** The append time of each held event, in milliseconds, in the same slots. */
  private long[] times;
  private int first;
  private int size;
  private long dropped;
  private long head;
  private long bytes;

  /**
   * @param topic the topic's name, shared by every event stored here
   * @param maxEvents events held at most
   * @param dropped positions up to this one may have existed and are not held
   * @param head a position every later event of the topic exceeds
   */
  TopicLog(String topic, int maxEvents, long dropped, long head) {
    this.topic = topic;
    this.maxEvents = maxEvents;
    this.dropped = dropped;
    this.head = head;
  }

  /** The topic's name, one instance for all its events. */
  String topic() {
    return topic;
  }

  /**
   * {@code name}, or the equal name of the newest held event, so that consecutive events share
   * one instance.
   */
  String sharedName(String name) {
    if (size == 0 || name == null) {
      return name;
    }
    String newest = events[slot(size - 1)].name();
    return Objects.equals(newest, name) ? newest : name;
  }

  /** Adds {@code event}, the newest; the oldest goes when the count bound is reached. */
  void add(StoredEvent event, long nowMillis) {
    if (size == maxEvents) {
      dropOldest();
    }
    if (events == null || size == events.length) {
      grow();
    }
    int at = slot(size);
    events[at] = event;
    times[at] = nowMillis;
    size++;
    head = event.position();
    bytes += weigh(event);
  }

  /** Drops the oldest events beyond the count, byte and age bounds. */
  void trim(int maxCount, long maxBytes, long oldestAllowedMillis) {
    while (size > 0 && (size > maxCount || bytes > maxBytes || times[first] < oldestAllowedMillis)) {
      dropOldest();
    }
  }

  long dropped() {
    return dropped;
  }

  long head() {
    return head;
  }

  /** The events held, for tests of the footprint. */
  int size() {
    return size;
  }

  /** The slots of the rings, for tests of the footprint: 0 while none is held. */
  int capacity() {
    return events == null ? 0 : events.length;
  }

  /** The held events after {@code position}, in order. */
  List<StoredEvent> after(long position) {
    int from = size;
    while (from > 0 && events[slot(from - 1)].position() > position) {
      from--;
    }
    List<StoredEvent> out = new ArrayList<>(size - from);
    for (int i = from; i < size; i++) {
      out.add(events[slot(i)]);
    }
    return out;
  }

  /** The position just before the oldest held event, or the head when none is held. */
  long beforeOldest() {
    return size == 0 ? head : events[first].position() - 1;
  }

  /** The cache weight: estimated bytes held, the topic's own included. */
  int weight() {
    return (int) Math.min(Integer.MAX_VALUE, bytes + TOPIC_OVERHEAD);
  }

  private void dropOldest() {
    StoredEvent gone = events[first];
    events[first] = null;
    first = (first + 1) % events.length;
    size--;
    bytes -= weigh(gone);
    dropped = gone.position();
    if (size == 0) {
      events = null; // an emptied topic holds no slots
      times = null;
      first = 0;
    }
  }

  /** Doubles the rings, up to the count bound, the oldest event moving to slot 0. */
  private void grow() {
    int capacity = events == null ? Math.min(FIRST_CAPACITY, maxEvents)
        : (int) Math.min(maxEvents, 2L * events.length);
    StoredEvent[] moved = new StoredEvent[capacity];
    long[] movedTimes = new long[capacity];
    for (int i = 0; i < size; i++) {
      moved[i] = events[slot(i)];
      movedTimes[i] = times[slot(i)];
    }
    events = moved;
    times = movedTimes;
    first = 0;
  }

  /** The ring slot of the {@code i}-th oldest held event. */
  private int slot(int i) {
    return (first + i) % events.length;
  }

  private static long weigh(StoredEvent event) {
    long chars = event.data().length() + (event.name() == null ? 0 : event.name().length());
    return 2 * chars + EVENT_OVERHEAD;
  }
}
