package io.ssekit.spi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a history answers when a stream starts: where the stream starts, the events it missed, and
 * the topics for which it cannot have everything it missed.
 *
 * @param start the stream's starting cursor in the history's current epoch: for each requested
 *     topic, the position just before the first event of {@code events} of that topic (or of the
 *     first live event)
 * @param events the missed events still held, in position order per topic
 * @param incomplete the topics for which some missed events are no longer held, or for which the
 *     client's cursor cannot be trusted; a non-empty set makes the stream send {@code sse-reset}
 */
public record Replay(Cursor start, List<StoredEvent> events, Set<String> incomplete) {

  /**
   * Checks the answer against the contract of {@link EventHistory#replay}: every event is of the
   * start's epoch and of one of its topics, comes after the start, and positions increase per
   * topic.
   *
   * @throws IllegalArgumentException naming the first violation
   */
  public Replay {
    Objects.requireNonNull(start, "start");
    events = List.copyOf(events);
    incomplete = Set.copyOf(incomplete);
    Map<String, Long> last = new HashMap<>(start.positions());
    for (StoredEvent event : events) {
      if (!event.epoch().equals(start.epoch())) {
        throw new IllegalArgumentException(
            "replayed event of epoch " + event.epoch() + " in a replay of epoch " + start.epoch());
      }
      Long previous = last.get(event.topic());
      if (previous == null) {
        throw new IllegalArgumentException(
            "replayed event of topic " + event.topic() + " that the start cursor does not cover");
      }
      if (event.position() <= previous) {
        throw new IllegalArgumentException(
            "replayed positions must increase per topic: " + event.topic() + " " + event.position()
                + " after " + previous);
      }
      last.put(event.topic(), event.position());
    }
    for (String topic : incomplete) {
      if (!start.positions().containsKey(topic)) {
        throw new IllegalArgumentException(
            "incomplete topic " + topic + " that the start cursor does not cover");
      }
    }
  }

  /** Whether the client gets everything it missed. */
  public boolean complete() {
    return incomplete.isEmpty();
  }
}
