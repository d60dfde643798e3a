package io.ssekit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.ssekit.spi.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Replayed events are encoded once for every stream that replays them, and a stream always gets
 * the bytes of its own event: another epoch's event at the same position, a colliding slot and a
 * large event are encoded for themselves.
 */
class ReplayEncodingsTest {
  private final ReplayEncodings encodings = new ReplayEncodings();

  private static StoredEvent event(String epoch, String topic, long position, String data) {
    return new StoredEvent(epoch, topic, position, "update", data);
  }

  private static void assertEncodes(StoredEvent event, EncodedEvent encoded) {
    EncodedEvent fresh = EncodedEvent.of(event);
    assertArrayEquals(fresh.frame(), encoded.frame(), "frame of " + event);
    assertArrayEquals(fresh.body(), encoded.body(), "body of " + event);
    assertEquals(0, encoded.publishedNanos(), "a replayed event is not timed");
  }

  @Test
  void theSameEventReadTwiceIsEncodedOnce() {
    StoredEvent first = event("e1", "t", 7, "{\"a\":1}");
    EncodedEvent encoded = encodings.of(first);
    assertEncodes(first, encoded);
    // Another read of the history gives an equal event, not the same object.
    assertSame(encoded, encodings.of(event("e1", "t", 7, "{\"a\":1}")));
  }

  @Test
  void anEventOfAnotherEpochOrTopicAtTheSamePositionGetsItsOwnBytes() {
    encodings.of(event("e1", "t", 7, "old"));
    StoredEvent otherEpoch = event("e2", "t", 7, "new");
    assertEncodes(otherEpoch, encodings.of(otherEpoch));
    StoredEvent otherTopic = event("e2", "u", 7, "other");
    assertEncodes(otherTopic, encodings.of(otherTopic));
  }

  @Test
  void everyEventIsEncodedAsItselfWhenMoreEventsThanSlotsTakeTurns() {
    List<StoredEvent> events = new ArrayList<>();
    for (int i = 1; i <= 3 * ReplayEncodings.SLOTS; i++) {
      events.add(event("e1", "topic-" + (i % 5), i, "data " + i));
    }
    for (int round = 0; round < 2; round++) {
      for (StoredEvent event : events) {
        assertEncodes(event, encodings.of(event));
      }
    }
  }

  @Test
  void aLargeEventIsEncodedForEachStreamAndNotKept() {
    StoredEvent large = event("e1", "t", 1, "x".repeat(ReplayEncodings.MAX_FRAME));
    EncodedEvent once = encodings.of(large);
    assertEncodes(large, once);
    assertNotSame(once, encodings.of(large));
  }

  @Test
  void streamsThatReplayTheSameEventsWriteTheSameBytes() {
    try (SseHub hub = SseHub.builder().history(new ListHistory()).build()) {
      String start = hub.publish("t", "e0").toCompletableFuture().join();
      for (int i = 1; i <= 20; i++) {
        hub.publish("t", "e" + i).toCompletableFuture().join();
      }
      List<RecordingBodies> streams = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RecordingBodies stream = new RecordingBodies();
        hub.subscribe(List.of("t"), start, stream);
        streams.add(stream);
      }
      await().atMost(Duration.ofSeconds(10))
          .until(() -> streams.stream().allMatch(stream -> stream.bodies().size() == 20));
      Set<byte[]> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
      for (RecordingBodies stream : streams) {
        distinct.addAll(stream.bodies());
      }
      assertEquals(20, distinct.size(), "three streams replaying 20 events share 20 encodings");
    }
  }

  /** Keeps the arrays it is offered, as they are. */
  private static final class RecordingBodies implements StreamSink {
    private final List<byte[]> bodies = new ArrayList<>();

    @Override
    public synchronized boolean offer(byte[] head, byte[] body) {
      if (head == null && new String(body, java.nio.charset.StandardCharsets.UTF_8)
          .contains("data: e")) {
        bodies.add(body);
      }
      return true;
    }

    @Override
    public void end() {}

    synchronized List<byte[]> bodies() {
      return List.copyOf(bodies);
    }
  }
}
