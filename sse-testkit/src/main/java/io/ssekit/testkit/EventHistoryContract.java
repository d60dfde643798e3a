package io.ssekit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.spi.Appended;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.IdempotencyKey;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link EventHistory}, clause by clause. Extend it in your implementation's test
 * sources and implement the factory methods; every test names the clause it checks.
 *
 * <p>Two parts of the contract are not tested here, and are reported as skipped tests named
 * {@code untested_...}: that memory or storage stays bounded across topics (clause 8: the kit
 * cannot measure an implementation's footprint; it checks the per-topic count) and that a failing
 * store fails the returned stage instead of throwing (clause 9: only the implementation's own
 * tests can make its store fail). Test those in your implementation's own tests.
 *
 * <pre>{@code
 * class RedisHistoryContractTest extends EventHistoryContract {
 *   protected EventHistory newHistory(int maxEventsPerTopic, Duration maxAge) { ... }
 *   protected EventHistory afterLoss(EventHistory history) { ... }
 * }
 * }</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class EventHistoryContract {
  private final List<EventHistory> opened = new ArrayList<>();

  /** For the test class of an implementation, which extends this one. */
  protected EventHistoryContract() {}

  /**
   * A history over an empty store, keeping at most {@code maxEventsPerTopic} events per topic for
   * at most {@code maxAge}. The kit closes it after the test.
   */
  protected abstract EventHistory newHistory(int maxEventsPerTopic, Duration maxAge);

  /**
   * Makes the store behind {@code history} lose everything it holds (a restart of an in-memory
   * history, a flush of a shared store) and returns the history that serves it afterwards, which
   * may be the same object. The kit closes it after the test.
   */
  protected abstract EventHistory afterLoss(EventHistory history);

  /**
   * How many events beyond {@code maxEventsPerTopic} an implementation with approximate trimming
   * may still hold. Default 0.
   */
  protected int countBoundSlack() {
    return 0;
  }

  /** The longest a stage may take to complete. Default 10 seconds. */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  @AfterEach
  void closeHistories() {
    for (EventHistory history : opened) {
      history.close();
    }
  }

  // --- clause 1: positions ---

  @Test
  void clause1_positionsIncreasePerTopic() {
    EventHistory history = open(100, Duration.ofHours(1));
    List<StoredEvent> a = new ArrayList<>();
    List<StoredEvent> b = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      a.add(append(history, "a", "a" + i));
      b.add(append(history, "b", "b" + i));
    }
    assertIncreasing(a);
    assertIncreasing(b);
  }

  @Test
  void clause1_positionsAreNeverReusedAfterTrimming() {
    EventHistory history = open(3, Duration.ofHours(1));
    List<StoredEvent> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(append(history, "t", "e" + i));
    }
    assertIncreasing(all);
  }

  @Test
  void clause1_storesNameAndDataExactly() {
    EventHistory history = open(100, Duration.ofHours(1));
    Cursor start = replay(history, null, Set.of("t")).start();
    String data = "line one\nline two\r\nthree \u00e9\u4e2d\ud83d\ude00 \u0000 end";
    StoredEvent named = history.append("t", "update", data).toCompletableFuture().join();
    StoredEvent unnamed = append(history, "t", "");
    assertEquals("t", named.topic());
    assertEquals("update", named.name());
    assertEquals(data, named.data());
    List<StoredEvent> replayed = replay(history, start, Set.of("t")).events();
    assertEquals(List.of(named, unnamed), replayed);
  }

  // --- clause 2: epoch ---

  @Test
  void clause2_everyEventAndReplayCarriesTheCurrentEpoch() {
    EventHistory history = open(100, Duration.ofHours(1));
    StoredEvent first = append(history, "t", "1");
    StoredEvent second = append(history, "u", "2");
    Replay replay = replay(history, null, Set.of("t", "u"));
    assertEquals(first.epoch(), second.epoch());
    assertEquals(first.epoch(), replay.start().epoch());
  }

  @Test
  void clause2_aHistoryThatLostItsStateHasANewEpoch() {
    EventHistory history = open(100, Duration.ofHours(1));
    StoredEvent before = append(history, "t", "before");
    EventHistory after = lose(history);
    StoredEvent next = append(after, "t", "after");
    assertNotEquals(before.epoch(), next.epoch(), "epoch after the store lost its state");
  }

  // --- clause 3: order ---

  @Test
  void clause3_concurrentAppendsGetDistinctPositionsAndAreAllReplayedInOrder() throws Exception {
    EventHistory history = open(10_000, Duration.ofHours(1));
    Cursor start = replay(history, null, Set.of("t")).start();
    int threads = 8;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<StoredEvent>>> results = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        int writer = w;
        results.add(pool.submit(() -> {
          List<StoredEvent> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            mine.add(append(history, "t", writer + "-" + i));
          }
          return mine;
        }));
      }
      Set<Long> positions = new HashSet<>();
      Set<String> data = new HashSet<>();
      for (Future<List<StoredEvent>> result : results) {
        List<StoredEvent> mine = result.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        assertIncreasing(mine); // one writer's appends complete one after another
        for (StoredEvent e : mine) {
          assertTrue(positions.add(e.position()), "position assigned twice: " + e.position());
          data.add(e.data());
        }
      }
      List<StoredEvent> replayed = replay(history, start, Set.of("t")).events();
      assertEquals(threads * perThread, replayed.size());
      assertIncreasing(replayed);
      assertEquals(data, new HashSet<>(replayed.stream().map(StoredEvent::data).toList()));
    } finally {
      pool.shutdownNow();
    }
  }

  // --- clause 4: new stream ---

  @Test
  void clause4_aNewStreamStartsAtTheHeadOfEachTopic() {
    EventHistory history = open(100, Duration.ofHours(1));
    append(history, "a", "old a");
    StoredEvent lastA = append(history, "a", "old a 2");
    Replay replay = replay(history, null, Set.of("a", "b"));
    assertEquals(Set.of("a", "b"), replay.start().topics());
    assertTrue(replay.events().isEmpty(), "a new stream replays nothing");
    assertTrue(replay.complete());
    assertTrue(replay.start().position("a").getAsLong() >= lastA.position());

    StoredEvent newA = append(history, "a", "new a");
    StoredEvent newB = append(history, "b", "new b");
    Replay later = replay(history, replay.start(), Set.of("a", "b"));
    assertEquals(List.of(newA), ofTopic(later, "a"));
    assertEquals(List.of(newB), ofTopic(later, "b"));
  }

  // --- clause 5: resume ---

  @Test
  void clause5_resumeReturnsEverythingAfterTheCursorInOrder() {
    EventHistory history = open(100, Duration.ofHours(1));
    List<StoredEvent> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(append(history, "t", "e" + i));
    }
    Cursor cursor = all.get(3).cursor();
    Replay replay = replay(history, cursor, Set.of("t"));
    assertEquals(all.subList(4, 10), replay.events());
    assertEquals(cursor, replay.start());
    assertTrue(replay.complete());
  }

  @Test
  void clause5_replaysEverythingAfterTheCursorAcrossTopics() {
    EventHistory history = open(100, Duration.ofHours(1));
    List<StoredEvent> a = new ArrayList<>();
    List<StoredEvent> b = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      a.add(append(history, "a", "a" + i));
      b.add(append(history, "b", "b" + i));
    }
    Cursor cursor = Cursor.of(a.get(0).epoch(), "a", a.get(2).position())
        .with("b", b.get(5).position());
    Replay replay = replay(history, cursor, Set.of("a", "b"));
    assertEquals(a.subList(3, 8), ofTopic(replay, "a"));
    assertEquals(b.subList(6, 8), ofTopic(replay, "b"));
    assertEquals(cursor, replay.start());
    assertTrue(replay.complete());
  }

  @Test
  void clause5_aCursorAtTheHeadReplaysNothing() {
    EventHistory history = open(100, Duration.ofHours(1));
    StoredEvent last = null;
    for (int i = 0; i < 5; i++) {
      last = append(history, "t", "e" + i);
    }
    Replay replay = replay(history, last.cursor(), Set.of("t"));
    assertTrue(replay.events().isEmpty());
    assertTrue(replay.complete());
  }

  @Test
  void clause5_aTopicTheCursorDoesNotCoverStartsAtItsHead() {
    EventHistory history = open(100, Duration.ofHours(1));
    StoredEvent a = append(history, "a", "a");
    StoredEvent b = append(history, "b", "b");
    Replay replay = replay(history, a.cursor(), Set.of("a", "b"));
    assertTrue(replay.events().isEmpty(), "nothing of b: the client never subscribed to it");
    assertTrue(replay.complete());
    assertTrue(replay.start().position("b").getAsLong() >= b.position());
    StoredEvent laterB = append(history, "b", "later");
    assertEquals(List.of(laterB), replay(history, replay.start(), Set.of("a", "b")).events());
  }

  // --- clause 6: loss is said ---

  @Test
  void clause6_eventsTrimmedByCountMakeTheTopicIncomplete() {
    int max = 5;
    EventHistory history = open(max, Duration.ofHours(1));
    Cursor start = replay(history, null, Set.of("t")).start();
    List<StoredEvent> all = new ArrayList<>();
    for (int i = 0; i < max * 4 + countBoundSlack() * 2 + 1; i++) {
      all.add(append(history, "t", "e" + i));
    }
    Replay replay = replay(history, start, Set.of("t"));
    assertEquals(Set.of("t"), replay.incomplete());
    assertHeldSuffix(all, replay, "t");
  }

  @Test
  void clause6_aPositionBeyondTheHeadMakesTheTopicIncomplete() {
    EventHistory history = open(100, Duration.ofHours(1));
    List<StoredEvent> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      all.add(append(history, "t", "e" + i));
    }
    Cursor beyond = Cursor.of(all.get(0).epoch(), "t", all.get(2).position() + 1_000_000);
    Replay replay = replay(history, beyond, Set.of("t"));
    assertEquals(Set.of("t"), replay.incomplete());
    assertEquals(all, replay.events(), "every held event, for a position beyond the head");
  }

  @Test
  void clause6_eventsOlderThanMaxAgeMakeTheTopicIncomplete() {
    Duration maxAge = Duration.ofMillis(300);
    EventHistory history = open(100, maxAge);
    Cursor start = replay(history, null, Set.of("t")).start();
    append(history, "t", "soon old");
    Awaitility.await("events older than maxAge are no longer vouched for")
        .atMost(maxAge.multipliedBy(20).plus(timeout()))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !replay(history, start, Set.of("t")).complete());
    Replay replay = replay(history, start, Set.of("t"));
    StoredEvent fresh = append(history, "t", "fresh");
    assertTrue(replay(history, replay.start(), Set.of("t")).events().contains(fresh),
        "the incomplete replay's start still leads to later events");
  }

  // --- clause 7: foreign epoch ---

  @Test
  void clause7_aForeignEpochMakesEveryTopicIncompleteWithEveryHeldEvent() {
    EventHistory history = open(100, Duration.ofHours(1));
    List<StoredEvent> a = List.of(append(history, "a", "1"), append(history, "a", "2"));
    StoredEvent b = append(history, "b", "3");
    String foreign = a.get(0).epoch().equals("zz0foreign") ? "zz1foreign" : "zz0foreign";
    Cursor cursor = Cursor.of(foreign, "a", 1).with("b", 1);
    Replay replay = replay(history, cursor, Set.of("a", "b"));
    assertEquals(Set.of("a", "b"), replay.incomplete());
    assertEquals(a.get(0).epoch(), replay.start().epoch());
    assertEquals(a, ofTopic(replay, "a"));
    assertEquals(List.of(b), ofTopic(replay, "b"));
  }

  @Test
  void clause7_aCursorFromBeforeTheLossIsForeign() {
    EventHistory history = open(100, Duration.ofHours(1));
    StoredEvent before = append(history, "t", "before");
    EventHistory after = lose(history);
    StoredEvent next = append(after, "t", "after");
    Replay replay = replay(after, before.cursor(), Set.of("t"));
    assertEquals(Set.of("t"), replay.incomplete());
    assertEquals(List.of(next), replay.events());
  }

  // --- clause 8: bounds ---

  @Test
  void clause8_aTopicNeverHoldsMoreThanItsBound() {
    int max = 10;
    EventHistory history = open(max, Duration.ofHours(1));
    Cursor start = replay(history, null, Set.of("t")).start();
    for (int i = 0; i < 500; i++) {
      append(history, "t", "e" + i);
    }
    int held = replay(history, start, Set.of("t")).events().size();
    assertTrue(held <= max + countBoundSlack(), "held " + held + " events, bound " + max);
  }

  @Test
  void untested_clause8_memoryOrStorageStaysBoundedAcrossTopics() {
    Assumptions.abort("clause 8 untested: the kit cannot measure an implementation's memory or"
        + " storage; it checks the per-topic count bound only");
  }

  // --- clause 9: non-blocking ---

  @Test
  void clause9_callsMadeWhereAStageCompletesReturn() {
    EventHistory history = open(100, Duration.ofHours(1));
    Cursor start = replay(history, null, Set.of("t")).start();
    // Each call is made on the thread that completed the previous stage, which may be the
    // history's own I/O thread: a history that waited there for that thread would never answer.
    CompletionStage<Replay> chained = history.append("t", null, "1")
        .thenCompose(first -> history.append("t", null, "2"))
        .thenCompose(second -> history.replay(start, Set.of("t")))
        .thenCompose(replay -> history.append("t", null, "3")
            .thenCompose(third -> history.replay(replay.start(), Set.of("t"))));
    assertEquals(List.of("1", "2", "3"),
        await(chained).events().stream().map(StoredEvent::data).toList());
  }

  @Test
  void untested_clause9_aFailingStoreFailsTheStageInsteadOfThrowing() {
    Assumptions.abort("clause 9 untested: only the implementation's own tests can make its store"
        + " fail");
  }

  // --- clause 10: close ---

  @Test
  void clause10_aClosedHistoryFailsEveryCall() {
    EventHistory history = open(100, Duration.ofHours(1));
    append(history, "t", "x");
    history.close();
    assertFailsWithIllegalState(history.append("t", null, "y"));
    assertFailsWithIllegalState(history.replay(null, Set.of("t")));
    history.close(); // idempotent
  }

  // --- clause 11: idempotency ---

  @Test
  void clause11_aRepeatedKeyStoresNothingAndAnswersTheFirstAppend() {
    EventHistory history = open(100, Duration.ofHours(1));
    Cursor start = replay(history, null, Set.of("t")).start();
    IdempotencyKey key = new IdempotencyKey("order-17", Duration.ofMinutes(5));
    Appended first = await(history.append("t", "created", "first", key));
    Appended again = await(history.append("t", "created", "second", key));
    assertTrue(!first.repeated(), "the first append stores");
    assertEquals("first", first.event().data());
    assertTrue(again.repeated(), "the second append with the key stores nothing");
    assertEquals(first.cursor(), again.cursor(), "and answers the first one's cursor");
    StoredEvent unkeyed = append(history, "t", "without a key");
    assertEquals(List.of(first.event(), unkeyed), replay(history, start, Set.of("t")).events());
  }

  @Test
  void clause11_theSameKeyOnAnotherTopicIsANewKey() {
    EventHistory history = open(100, Duration.ofHours(1));
    IdempotencyKey key = new IdempotencyKey("k", Duration.ofMinutes(5));
    Appended onA = await(history.append("a", null, "a", key));
    Appended onB = await(history.append("b", null, "b", key));
    assertTrue(!onA.repeated() && !onB.repeated(), "one key, two topics: two events");
    assertEquals("b", onB.event().topic());
  }

  @Test
  void clause11_afterTheWindowTheKeyIsNew() {
    EventHistory history = open(100, Duration.ofHours(1));
    Cursor start = replay(history, null, Set.of("t")).start();
    IdempotencyKey key = new IdempotencyKey("retry-me", Duration.ofMillis(200));
    Appended first = await(history.append("t", null, "1", key));
    assertTrue(await(history.append("t", null, "1", key)).repeated(), "within the window");
    Appended later = Awaitility.await("the key is forgotten after its window")
        .atMost(timeout()).pollInterval(Duration.ofMillis(50))
        .until(() -> await(history.append("t", null, "2", key)), appended -> !appended.repeated());
    assertTrue(later.event().position() > first.event().position());
    assertEquals(List.of(first.event(), later.event()),
        replay(history, start, Set.of("t")).events());
  }

  @Test
  void clause11_appendsOfOneKeyAtOnceStoreOneEvent() throws Exception {
    EventHistory history = open(100, Duration.ofHours(1));
    Cursor start = replay(history, null, Set.of("t")).start();
    IdempotencyKey key = new IdempotencyKey("once", Duration.ofMinutes(5));
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Appended>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int writer = i;
        results.add(pool.submit(() -> await(history.append("t", null, "w" + writer, key))));
      }
      Set<Cursor> cursors = new HashSet<>();
      int stored = 0;
      for (Future<Appended> result : results) {
        Appended appended = result.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        cursors.add(appended.cursor());
        stored += appended.repeated() ? 0 : 1;
      }
      assertEquals(1, stored, "one append stored");
      assertEquals(1, cursors.size(), "every append answered its cursor");
      assertEquals(1, replay(history, start, Set.of("t")).events().size());
    } finally {
      pool.shutdownNow();
    }
  }

  // --- helpers ---

  /** Opens a history that the kit closes after the test. */
  protected final EventHistory open(int maxEventsPerTopic, Duration maxAge) {
    EventHistory history = newHistory(maxEventsPerTopic, maxAge);
    opened.add(history);
    return history;
  }

  /** {@link #afterLoss}, keeping track of a new history so the kit closes it. */
  private EventHistory lose(EventHistory history) {
    EventHistory after = afterLoss(history);
    if (after != history) {
      opened.add(after);
    }
    return after;
  }

  /** Appends an unnamed event and waits for its stored form. */
  protected final StoredEvent append(EventHistory history, String topic, String data) {
    return await(history.append(topic, null, data));
  }

  /** Replays and waits for the answer. */
  protected final Replay replay(EventHistory history, Cursor after, Set<String> topics) {
    return await(history.replay(after, topics));
  }

  private <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("stage failed", e.getCause());
    } catch (Exception e) {
      throw new AssertionError("stage did not complete within " + timeout(), e);
    }
  }

  private void assertFailsWithIllegalState(CompletionStage<?> stage) {
    CompletionException failure = assertThrows(CompletionException.class,
        () -> stage.toCompletableFuture().orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS)
            .join());
    assertInstanceOf(IllegalStateException.class, failure.getCause());
  }

  private static List<StoredEvent> ofTopic(Replay replay, String topic) {
    return replay.events().stream().filter(e -> e.topic().equals(topic)).toList();
  }

  private static void assertIncreasing(List<StoredEvent> events) {
    for (int i = 1; i < events.size(); i++) {
      assertTrue(events.get(i).position() > events.get(i - 1).position(),
          "positions must increase: " + events.get(i - 1) + " then " + events.get(i));
    }
  }

  /** The held events are the newest appended ones, none missing, and the start precedes them. */
  private static void assertHeldSuffix(List<StoredEvent> appended, Replay replay, String topic) {
    List<StoredEvent> held = ofTopic(replay, topic);
    assertTrue(!held.isEmpty(), "the newest events are still held");
    assertEquals(appended.subList(appended.size() - held.size(), appended.size()), held);
    long start = replay.start().position(topic).getAsLong();
    int first = appended.size() - held.size();
    assertTrue(start < held.get(0).position(), "start before the first held event");
    assertTrue(start >= appended.get(first - 1).position(),
        "start after the last event that is not held, so nothing in between is lost");
  }
}
