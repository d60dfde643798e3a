package io.ssekit.fanout.redis;

import io.ssekit.spi.Fanout;
import io.ssekit.testkit.FanoutContract;
import io.ssekit.testkit.RedisCluster;
import io.ssekit.testkit.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fanout contract, unchanged, on a Redis Cluster: sharded pub/sub. */
class RedisClusterFanoutContractTest extends FanoutContract {
  @RegisterExtension
  static final RedisExtension<RedisCluster> REDIS = RedisExtension.cluster();

  @Override
  protected Fanout newFanout() {
    return RedisFanout.builder().uri(REDIS.uri()).build();
  }
}
