package io.ssekit.history.redis;

import static org.awaitility.Awaitility.await;

import io.ssekit.redis.RedisKeys;
import io.ssekit.testkit.RedisCluster;
import io.ssekit.testkit.RedisServer;
import io.ssekit.testkit.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The failover cases on a Redis Cluster of three masters, each with a replica. */
class RedisClusterFailoverTest extends RedisFailoverCases {
  RedisCluster cluster;

  @BeforeEach
  void startCluster() {
    cluster = RedisCluster.start(3, 1);
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  @Override
  TestRedis redis() {
    return cluster;
  }

  @Override
  RedisServer masterOf(String topic) {
    return cluster.nodeOf(new RedisKeys(RedisKeys.DEFAULT_PREFIX).stream(topic));
  }

  @Override
  RedisServer killMasterOf(String topic) {
    RedisServer master = masterOf(topic);
    master.kill();
    return master;
  }

  /** Until a running node says it serves the killed master's slots, and the cluster is ok. */
  @Override
  void awaitFailoverFrom(RedisServer killed) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      try {
        return !masterOf(TOPICS[0]).equals(killed);
      } catch (RuntimeException notYet) { // no node serves the slot yet
        return false;
      }
    });
    cluster.awaitHealthy();
  }
}
