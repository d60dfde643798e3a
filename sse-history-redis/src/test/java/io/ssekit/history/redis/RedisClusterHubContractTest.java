package io.ssekit.history.redis;

import io.ssekit.spi.EventHistory;
import io.ssekit.testkit.HubContract;
import io.ssekit.testkit.RedisCluster;
import io.ssekit.testkit.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hub's replay/live seam, end to end, on the Redis history on a Redis Cluster. */
class RedisClusterHubContractTest extends HubContract {
  @RegisterExtension
  static final RedisExtension<RedisCluster> REDIS = RedisExtension.cluster();

  @Override
  protected EventHistory newHistory() {
    return RedisHubContractTest.newRedisHistory(REDIS);
  }
}
