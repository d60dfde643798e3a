package io.ssekit.history.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.ssekit.spi.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A topic's log: what it holds, in what order, and what memory that takes. */
class TopicLogTest {
  private long position;

  private StoredEvent event(String name) {
    return new StoredEvent("e", "t", ++position, name, "data " + position);
  }

  @Test
  void theRingsGrowWithTheEventsUpToTheCountBoundAndAnEmptiedTopicHoldsNoSlots() {
    TopicLog log = new TopicLog("t", 5, 0, 0);
    assertEquals(0, log.capacity(), "a topic without events holds no slots");
    log.add(event("n"), 0);
    assertEquals(2, log.capacity());
    log.add(event("n"), 0);
    log.add(event("n"), 0);
    assertEquals(4, log.capacity());
    for (int i = 0; i < 10; i++) {
      log.add(event("n"), 0);
    }
    assertEquals(5, log.capacity(), "never more slots than the count bound");
    assertEquals(5, log.size());
    assertEquals(8, log.dropped());

    log.trim(5, Long.MAX_VALUE, 1);
    assertEquals(0, log.size(), "every event older than allowed is gone");
    assertEquals(0, log.capacity());
    assertEquals(13, log.dropped());
    assertEquals(13, log.beforeOldest());
    log.add(event("n"), 5);
    assertEquals(List.of(position), positions(log.after(0)));
  }

  @Test
  void aWrappedRingGivesTheEventsAfterAPositionInOrder() {
    TopicLog log = new TopicLog("t", 4, 0, 0);
    for (int i = 0; i < 7; i++) {
      log.add(event(null), i);
    }
    assertEquals(List.of(4L, 5L, 6L, 7L), positions(log.after(0)));
    assertEquals(List.of(6L, 7L), positions(log.after(5)));
    assertEquals(List.of(), positions(log.after(7)));
    assertEquals(3, log.beforeOldest());
    assertEquals(3, log.dropped());

    log.trim(4, Long.MAX_VALUE, 5); // the events appended at 3 and 4 are too old
    assertEquals(List.of(6L, 7L), positions(log.after(0)));
    log.trim(1, Long.MAX_VALUE, 0);
    assertEquals(List.of(7L), positions(log.after(0)));
  }

  @Test
  void eventsShareTheTopicNameAndARepeatedEventName() {
    MemoryEventHistory history = MemoryEventHistory.create();
    StoredEvent first = history.append(new String("user-1"), new String("notification"), "1")
        .toCompletableFuture().join();
    StoredEvent second = history.append(new String("user-1"), new String("notification"), "2")
        .toCompletableFuture().join();
    StoredEvent other = history.append(new String("user-1"), "other", "3")
        .toCompletableFuture().join();
    assertSame(first.topic(), second.topic());
    assertSame(first.topic(), other.topic());
    assertSame(first.name(), second.name());
    assertEquals("other", other.name());
  }

  private static List<Long> positions(List<StoredEvent> events) {
    List<Long> out = new ArrayList<>();
    events.forEach(e -> out.add(e.position()));
    return out;
  }
}
