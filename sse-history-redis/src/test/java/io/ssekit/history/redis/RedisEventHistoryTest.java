package io.ssekit.history.redis;

import static org.awaitility.Awaitility.await;
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
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the Redis history adds to the contract: sharing, faults of Redis, configuration. */
class RedisEventHistoryTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final RedisExtension<RedisServer> server = RedisExtension.server();
  RedisServer redis;
  final List<EventHistory> histories = new ArrayList<>();

  @BeforeEach
  void redisOfThisTest() {
    redis = server.redis();
  }

  @AfterEach
  void closeHistories() {
    histories.forEach(EventHistory::close);
  }

  RedisEventHistory open() {
    RedisEventHistory history = RedisEventHistory.builder().uri(redis.uri())
        .maxEventsPerTopic(10_000).commandTimeout(Duration.ofSeconds(2)).build();
    histories.add(history);
    return history;
  }

  static StoredEvent append(EventHistory history, String topic, String data) {
    return history.append(topic, null, data).toCompletableFuture().join();
  }

  static Replay replay(EventHistory history, Cursor after, String topic) {
    return history.replay(after, Set.of(topic)).toCompletableFuture().join();
  }

  @Test
  void instancesAppendingToOneTopicAtOnceShareOneOrderAndEveryEvent() throws Exception {
    RedisEventHistory one = open();
    RedisEventHistory two = open();
    Cursor start = replay(one, null, "shared").start();

    List<CompletableFuture<List<StoredEvent>>> writers = new ArrayList<>();
    for (RedisEventHistory history : List.of(one, two, one, two)) {
      writers.add(CompletableFuture.supplyAsync(() -> {
        List<StoredEvent> mine = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
          mine.add(append(history, "shared", "w" + writers.size() + "-" + i));
        }
        return mine;
      }));
    }
    Set<Long> positions = new HashSet<>();
    for (CompletableFuture<List<StoredEvent>> writer : writers) {
      List<StoredEvent> mine = writer.get(60, TimeUnit.SECONDS);
      for (int i = 1; i < mine.size(); i++) {
        assertTrue(mine.get(i).position() > mine.get(i - 1).position(), "one writer's order");
      }
      mine.forEach(event -> positions.add(event.position()));
    }
    assertEquals(1000, positions.size(), "distinct positions");

    Replay all = replay(two, start, "shared");
    assertTrue(all.complete());
    assertEquals(1000, all.events().size());
    for (int i = 1; i < all.events().size(); i++) {
      assertTrue(all.events().get(i - 1).position() < all.events().get(i).position(),
          "one order of positions, whoever appended");
    }
  }

  @Test
  void aRestartedRedisWithoutPersistenceIsANewEpochAndOldCursorsAreReset() {
    RedisEventHistory history = open();
    StoredEvent before = append(history, "t", "before");

    redis.restart();

    StoredEvent after = await().atMost(WAIT).ignoreExceptions()
        .until(() -> append(history, "t", "after"), event -> true);
    assertNotEquals(before.epoch(), after.epoch());
    Replay resumed = replay(history, before.cursor(), "t");
    assertEquals(Set.of("t"), resumed.incomplete());
    assertEquals(List.of(after), resumed.events());
  }

  @Test
  void aTopicWhoseKeysWereLostNeverReusesAPositionAndSaysSo() {
    RedisEventHistory history = open();
    append(history, "t", "1");
    StoredEvent last = append(history, "t", "2");

    // Expired as idle, or lost with a cluster node: the epoch key survives.
    redis.command("DEL", "ssekit:{t}:s", "ssekit:{t}:m");
    StoredEvent next = append(history, "t", "3");

    assertEquals(last.epoch(), next.epoch());
    assertTrue(next.position() > last.position(), next.position() + " after " + last.position());
    Replay resumed = replay(history, last.cursor(), "t");
    assertEquals(Set.of("t"), resumed.incomplete(), "what was lost is said");
    assertEquals(List.of(next), resumed.events());
  }

  @Test
  void whileRedisIsDownCallsFailWithoutWaitingAndWorkAgainAfter() throws Exception {
    RedisEventHistory history = open();
    append(history, "t", "up");

    redis.kill();

    CompletableFuture<StoredEvent> down = history.append("t", null, "down").toCompletableFuture();
    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> down.get(10, TimeUnit.SECONDS), "fails, rather than waiting for Redis");
    assertTrue(!(failure.getCause() instanceof TimeoutException), failure.toString());

    redis.restart();
    await().atMost(WAIT).ignoreExceptions().until(() -> append(history, "t", "back") != null);
  }

  @Test
  void theProviderIsFoundByNameAndNamesAMissingUri() {
    EventHistoryProvider provider = Providers.find(EventHistoryProvider.class, "redis");
    EventHistory history = provider.create(Settings.of(
        Map.of("uri", redis.uri(), "maxEventsPerTopic", "3", "keyPrefix", "app1:")));
    histories.add(history);
    Cursor start = replay(history, null, "t").start();
    for (int i = 0; i < 5; i++) {
      append(history, "t", "e" + i);
    }
    assertEquals(List.of("e2", "e3", "e4"),
        replay(history, start, "t").events().stream().map(StoredEvent::data).toList());
    assertTrue(redis.command("EXISTS", "app1:{t}:s").equals(":1"), "keys carry the prefix");

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> provider.create(Settings.of(Map.of()).scope("history")));
    assertTrue(missing.getMessage().contains("history.uri"), missing.getMessage());
  }

  @Test
  void aClosedHistoryFailsItsCalls() {
    RedisEventHistory history = open();
    history.close();
    CompletionException closed = assertThrows(CompletionException.class,
        () -> append(history, "t", "x"));
    assertTrue(closed.getCause() instanceof IllegalStateException, closed.toString());
  }
}
