package io.ssekit.history.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.EventHistoryProvider;
import io.ssekit.spi.Providers;
import io.ssekit.spi.Replay;
import io.ssekit.spi.Settings;
import io.ssekit.spi.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the in-memory history does beyond the contract: its bounds and its provider. */
class MemoryEventHistoryTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

  @Test
  void anIdleTopicIsEvictedAndAReplayFromBeforeItIsIncomplete() {
    MemoryEventHistory history = MemoryEventHistory.builder()
        .idleTopicExpiry(Duration.ofMinutes(10)).clock(clock).build();
    StoredEvent first = append(history, "quiet", "1");
    append(history, "quiet", "2");
    assertEquals(1, history.topicCount());

    now.addAndGet(Duration.ofMinutes(11).toMillis());
    assertEquals(0, history.topicCount(), "the idle topic is gone");

    StoredEvent next = append(history, "quiet", "3");
    assertTrue(next.position() > first.position() + 1, "positions are not reused");
    Replay replay = replay(history, first.cursor(), "quiet");
    assertEquals(Set.of("quiet"), replay.incomplete());
    assertEquals(List.of(next), replay.events());
  }

  @Test
  void aReplayKeepsATopicFromBeingIdle() {
    MemoryEventHistory history = MemoryEventHistory.builder()
        .idleTopicExpiry(Duration.ofMinutes(10)).clock(clock).build();
    StoredEvent first = append(history, "read", "1");
    StoredEvent second = append(history, "read", "2");
    now.addAndGet(Duration.ofMinutes(6).toMillis());
    replay(history, null, "read");
    now.addAndGet(Duration.ofMinutes(6).toMillis());
    Replay replay = replay(history, first.cursor(), "read");
    assertTrue(replay.complete());
    assertEquals(List.of(second), replay.events());
  }

  @Test
  void eventsOlderThanMaxAgeAreDropped() {
    MemoryEventHistory history = MemoryEventHistory.builder()
        .maxAge(Duration.ofSeconds(30)).clock(clock).build();
    Cursor start = replay(history, null, "t").start();
    append(history, "t", "old");
    now.addAndGet(20_000);
    StoredEvent recent = append(history, "t", "recent");
    now.addAndGet(15_000);
    Replay replay = replay(history, start, "t");
    assertEquals(Set.of("t"), replay.incomplete());
    assertEquals(List.of(recent), replay.events());
  }

  @Test
  void theTotalSizeBoundEvictsWholeTopicsAndSaysSo() {
    MemoryEventHistory history = MemoryEventHistory.builder().maxTotalSize(64 * 1024).build();
    String kilobyte = "x".repeat(512);
    StoredEvent early = append(history, "topic-0", kilobyte);
    for (int t = 1; t < 400; t++) {
      append(history, "topic-" + t, kilobyte);
    }
    assertTrue(history.topicCount() < 400, "some topics were evicted");
    long incomplete = 0;
    for (int t = 0; t < 400; t++) {
      String topic = "topic-" + t;
      Replay replay = replay(history, Cursor.of(history.epoch(), topic, early.position() - 1), topic);
      if (!replay.complete()) {
        incomplete++;
      } else {
        assertEquals(1, replay.events().size(), "a complete replay of " + topic + " has its event");
      }
    }
    assertTrue(incomplete > 0, "evicted topics are reported incomplete");
  }

  @Test
  void topicsThatHoldNoEventCountTowardsTheTotalSize() {
    MemoryEventHistory history = MemoryEventHistory.builder().maxTotalSize(64 * 1024).build();
    for (int t = 0; t < 1000; t++) {
      replay(history, null, "user-" + t); // a stream's start creates its topic
    }
    assertTrue(history.topicCount() <= 64 * 1024 / 200,
        "each empty topic weighs its own memory: " + history.topicCount() + " held");
    assertTrue(history.topicCount() > 64 * 1024 / 400, history.topicCount() + " held");
  }

  @Test
  void oneTopicNeverHoldsMoreThanHalfTheTotalSize() {
    MemoryEventHistory history = MemoryEventHistory.builder().maxTotalSize(64 * 1024).build();
    Cursor start = replay(history, null, "big").start();
    for (int i = 0; i < 200; i++) {
      append(history, "big", "y".repeat(1000));
    }
    Replay replay = replay(history, start, "big");
    assertEquals(Set.of("big"), replay.incomplete());
    long held = replay.events().stream().mapToLong(e -> 2L * e.data().length()).sum();
    assertTrue(held <= 32 * 1024, "held " + held + " bytes");
    assertTrue(!replay.events().isEmpty(), "the newest events stay");
  }

  @Test
  void everyHistoryHasItsOwnEpoch() {
    assertNotEquals(MemoryEventHistory.create().epoch(), MemoryEventHistory.create().epoch());
    assertTrue(Cursor.isValidEpoch(MemoryEventHistory.create().epoch()));
  }

  @Test
  void theProviderIsFoundByNameAndReadsItsSettings() {
    Settings settings = Settings.of(Map.of("history.maxEventsPerTopic", "2",
        "history.maxAge", "1h", "history.idleTopicExpiry", "2h", "history.maxTotalSize", "1MB"));
    EventHistory history =
        Providers.create(EventHistoryProvider.class, "memory", settings.scope("history"));
    try {
      Cursor start = replay(history, null, "t").start();
      for (int i = 0; i < 5; i++) {
        append(history, "t", "e" + i);
      }
      assertEquals(2, replay(history, start, "t").events().size());
    } finally {
      history.close();
    }
    assertEquals("memory", Providers.only(EventHistoryProvider.class).name());
  }

  @Test
  void theProviderRefusesUnknownAndInvalidSettings() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> Providers.create(EventHistoryProvider.class, "memory",
            Settings.of(Map.of("history.maxEvents", "5")).scope("history")));
    assertEquals("unknown setting history.maxEvents", unknown.getMessage());
    IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
        () -> Providers.create(EventHistoryProvider.class, "memory",
            Settings.of(Map.of("history.maxAge", "soon")).scope("history")));
    assertEquals("history.maxAge must be a duration like 500ms, 15s, 2m or PT15S, was 'soon'",
        invalid.getMessage());
  }

  @Test
  void builderMessagesNameTheSetting() {
    assertEquals("maxEventsPerTopic must be positive, was 0", assertThrows(
        IllegalArgumentException.class,
        () -> MemoryEventHistory.builder().maxEventsPerTopic(0)).getMessage());
    assertEquals("maxAge must be positive, was PT0S", assertThrows(IllegalArgumentException.class,
        () -> MemoryEventHistory.builder().maxAge(Duration.ZERO)).getMessage());
    assertEquals("maxTotalSize must be at least 1024 bytes, was 10", assertThrows(
        IllegalArgumentException.class,
        () -> MemoryEventHistory.builder().maxTotalSize(10)).getMessage());
  }

  private static StoredEvent append(EventHistory history, String topic, String data) {
    return history.append(topic, null, data).toCompletableFuture().join();
  }

  private static Replay replay(EventHistory history, Cursor after, String topic) {
    return history.replay(after, Set.of(topic)).toCompletableFuture().join();
  }
}
