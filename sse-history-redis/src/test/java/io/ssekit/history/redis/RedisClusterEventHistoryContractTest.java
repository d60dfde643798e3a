package io.ssekit.history.redis;

import io.ssekit.spi.EventHistory;
import io.ssekit.testkit.EventHistoryContract;
import io.ssekit.testkit.RedisCluster;
import io.ssekit.testkit.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The history contract, unchanged, on a Redis Cluster of three masters. */
class RedisClusterEventHistoryContractTest extends EventHistoryContract {
  @RegisterExtension
  static final RedisExtension<RedisCluster> REDIS = RedisExtension.cluster();

  @Override
  protected EventHistory newHistory(int maxEventsPerTopic, Duration maxAge) {
    return RedisEventHistoryContractTest.newRedisHistory(REDIS, maxEventsPerTopic, maxAge);
  }

  /** Every shard flushed, served by the same history object. */
  @Override
  protected EventHistory afterLoss(EventHistory history) {
    REDIS.redis().flushAll();
    return history;
  }
}
