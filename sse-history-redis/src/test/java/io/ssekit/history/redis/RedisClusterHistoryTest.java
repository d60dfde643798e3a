package io.ssekit.history.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.redis.RedisKeys;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import io.ssekit.testkit.RedisCluster;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a Redis Cluster adds: topics on several shards, and a shard or the epoch key lost. */
class RedisClusterHistoryTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final RedisKeys KEYS = new RedisKeys(RedisKeys.DEFAULT_PREFIX);

  @RegisterExtension
  final RedisExtension<RedisCluster> extension = RedisExtension.cluster();
  RedisCluster cluster;
  final List<EventHistory> histories = new ArrayList<>();

  @BeforeEach
  void clusterOfThisTest() {
    cluster = extension.redis();
  }

  @AfterEach
  void closeHistories() {
    histories.forEach(EventHistory::close);
  }

  RedisEventHistory open() {
    RedisEventHistory history = RedisEventHistory.builder().uri(cluster.uri())
        .commandTimeout(Duration.ofSeconds(2)).build();
    histories.add(history);
    return history;
  }

  /** The first topic {@code prefix0}, {@code prefix1}, ... whose keys live on {@code node}. */
  String topicOn(RedisServer node, String prefix) {
    for (int i = 0; i < 1000; i++) {
      if (cluster.nodeOf(KEYS.meta(prefix + i)).equals(node)) {
        return prefix + i;
      }
    }
    throw new IllegalStateException("no topic on " + node);
  }

  static StoredEvent append(EventHistory history, String topic, String data) {
    return history.append(topic, null, data).toCompletableFuture().join();
  }

  @Test
  void topicsOnEveryShardKeepTheirOrderAndReplayTogether() {
    RedisEventHistory one = open();
    RedisEventHistory two = open();
    List<String> topics = cluster.nodes().stream().map(node -> topicOn(node, "t")).toList();
    Cursor start = one.replay(null, Set.copyOf(topics)).toCompletableFuture().join().start();

    for (int i = 0; i < 30; i++) {
      for (String topic : topics) {
        append(i % 2 == 0 ? one : two, topic, topic + "-" + i);
      }
    }

    Replay all = two.replay(start, Set.copyOf(topics)).toCompletableFuture().join();
    assertTrue(all.complete(), "every shard held everything");
    for (String topic : topics) {
      List<String> data = all.events().stream().filter(event -> event.topic().equals(topic))
          .map(StoredEvent::data).toList();
      assertEquals(30, data.size(), topic);
      for (int i = 0; i < 30; i++) {
        assertEquals(topic + "-" + i, data.get(i), "in append order on " + topic);
      }
    }
  }

  @Test
  void aShardRestartedWithoutPersistenceResetsOnlyItsTopics() {
    RedisEventHistory history = open();
    RedisServer epochNode = cluster.nodeOf(KEYS.epoch());
    RedisServer lostNode = cluster.nodes().stream().filter(node -> !node.equals(epochNode))
        .findFirst().orElseThrow();
    String lost = topicOn(lostNode, "lost");
    String kept = topicOn(epochNode, "kept");
    append(history, lost, "before");
    StoredEvent last = append(history, kept, "before");
    Cursor cursor = history.replay(null, Set.of(lost, kept)).toCompletableFuture().join().start();

    lostNode.restart();
    cluster.awaitHealthy();
    StoredEvent after = await().atMost(WAIT).ignoreExceptions()
        .until(() -> append(history, lost, "after"), event -> true);
    StoredEvent keptAfter = append(history, kept, "after");

    assertEquals(last.epoch(), after.epoch(), "the epoch key's shard kept it");
    Replay resumed = history.replay(cursor, Set.of(lost, kept)).toCompletableFuture().join();
    assertEquals(Set.of(lost), resumed.incomplete(), "only the lost shard's topic is reset");
    assertEquals(List.of(after, keptAfter), resumed.events().stream()
        .sorted((a, b) -> a.topic().equals(lost) ? -1 : 1).toList());
  }

  @Test
  void aLostEpochKeyGivesEveryInstanceTheNewEpoch() {
    RedisEventHistory old = open();
    String topic = "t";
    StoredEvent before = append(old, topic, "before");

    String reply = cluster.nodeOf(KEYS.epoch()).command("DEL", KEYS.epoch());
    assertEquals(":1", reply);
    RedisEventHistory fresh = open();
    Replay started = fresh.replay(before.cursor(), Set.of(topic)).toCompletableFuture().join();
    String newEpoch = started.start().epoch();

    assertNotEquals(before.epoch(), newEpoch, "a new epoch once the key is gone");
    assertEquals(Set.of(topic), started.incomplete(), "old cursors are foreign");
    assertEquals(newEpoch, append(old, topic, "by the instance that knew the old one").epoch(),
        "the topic took the new epoch; the old instance follows it");
    assertEquals(newEpoch, append(fresh, topic, "by the new one").epoch());
  }
}
