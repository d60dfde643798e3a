package io.ssekit;

import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The smallest {@link EventHistory} the hub's tests need: one list of events per topic, numbered
 * 1, 2, 3 … per topic in a random epoch of its own, optionally keeping only the newest events of
 * each topic (its one bound: it has no age limit). A resume from before what it still holds, from
 * beyond what it assigned, or from another epoch is answered as incomplete with what it holds, as
 * the contract says. A lost history is a new instance. Every stage it returns is already complete.
 * Thread-safe.
 */
final class ListHistory implements EventHistory {
  private final String epoch = Cursor.newEpoch();
  private final int keepPerTopic;
  private final Map<String, Topic> topics = new HashMap<>();
  private boolean closed;

  /** The events one topic holds, and the position of its last one. */
  private static final class Topic {
    final List<StoredEvent> held = new ArrayList<>();
    long last;

    /** The position just before the oldest held event: what a gap resumes after. */
    long beforeHeld() {
      return last - held.size();
    }
  }

  /** A history that keeps every event. */
  ListHistory() {
    this(Integer.MAX_VALUE);
  }

  /** A history that keeps the newest {@code keepPerTopic} events of each topic. */
  ListHistory(int keepPerTopic) {
    if (keepPerTopic <= 0) {
      throw new IllegalArgumentException("keepPerTopic must be positive, was " + keepPerTopic);
    }
    this.keepPerTopic = keepPerTopic;
  }

  @Override
  public synchronized CompletionStage<StoredEvent> append(String topic, String name, String data) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("history is closed"));
    }
    Topic log = topics.computeIfAbsent(topic, t -> new Topic());
    StoredEvent event = new StoredEvent(epoch, topic, ++log.last, name, data);
    log.held.add(event);
    if (log.held.size() > keepPerTopic) {
      log.held.remove(0);
    }
    return CompletableFuture.completedFuture(event);
  }

  @Override
  public synchronized CompletionStage<Replay> replay(Cursor after, Set<String> requested) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("history is closed"));
    }
    boolean foreign = after != null && !after.epoch().equals(epoch);
    Map<String, Long> start = new HashMap<>();
    List<StoredEvent> events = new ArrayList<>();
    Set<String> incomplete = new HashSet<>();
    for (String topic : requested) {
      Topic log = topics.computeIfAbsent(topic, t -> new Topic());
      Long position = after == null || foreign ? null : after.positions().get(topic);
      if (position == null && !foreign) {
        start.put(topic, log.last); // a new stream, or a topic the cursor does not cover
      } else if (foreign || position < log.beforeHeld() || position > log.last) {
        incomplete.add(topic);
        start.put(topic, log.beforeHeld());
        events.addAll(log.held);
      } else {
        start.put(topic, position);
        events.addAll(log.held.subList((int) (position - log.beforeHeld()), log.held.size()));
      }
    }
    return CompletableFuture.completedFuture(
        new Replay(Cursor.of(epoch, start), events, incomplete));
  }

  @Override
  public synchronized void close() {
    closed = true;
    topics.clear();
  }
}
