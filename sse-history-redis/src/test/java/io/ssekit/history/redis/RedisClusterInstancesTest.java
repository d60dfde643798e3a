package io.ssekit.history.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.redis.RedisKeys;
import io.ssekit.testkit.RecordingSink;
import io.ssekit.testkit.RedisCluster;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import io.ssekit.testkit.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several instances on a Redis Cluster of three masters, with sharded pub/sub. */
class RedisClusterInstancesTest extends RedisInstancesCases {
  static final RedisKeys KEYS = new RedisKeys(RedisKeys.DEFAULT_PREFIX);

  @RegisterExtension
  final RedisExtension<RedisCluster> cluster = RedisExtension.cluster();

  @Override
  TestRedis redis() {
    return cluster.redis();
  }

  @Test
  void aTopicWhoseSlotMovesToAnotherNodeKeepsItsStreamsWhole() {
    SseHub one = instance();
    SseHub two = instance();
    RecordingSink onTwo = stream(two, "moving");
    for (int i = 0; i < 20; i++) {
      publish(one, "moving", "moving|" + i);
    }
    await().atMost(WAIT).until(() -> onTwo.events().size() == 20);

    RedisCluster redis = cluster.redis();
    String channel = KEYS.channel("moving");
    RedisServer from = redis.nodeOf(channel);
    RedisServer to = redis.nodes().stream().filter(node -> !node.equals(from)).findFirst()
        .orElseThrow();
    redis.moveSlotOf(channel, to);
    assertEquals(to, redis.nodeOf(channel));

    for (int i = 20; i < 40; i++) {
      publish(i % 2 == 0 ? one : two, "moving", "moving|" + i);
    }
    await().atMost(WAIT).until(() -> onTwo.events().size() >= 40);
    assertEveryEventOnceInOrder(positions(onTwo, "moving"), 40);
    assertTrue(onTwo.frames().stream().noneMatch(f -> "sse-reset".equals(f.event())),
        "the history moved with the slot: nothing to reset");
    assertFalse(onTwo.ended(), "the stream stayed open");
  }

  /** Every node restarted: each comes back empty and rejoins the cluster. */
  @Override
  void restartRedis() {
    cluster.redis().nodes().forEach(RedisServer::restart);
    cluster.redis().awaitHealthy();
  }
}
