package io.ssekit.sample;

import io.ssekit.testkit.RedisCluster;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two sample-app instances on a Redis Cluster: {@code SSE_REDIS_URI=redis+cluster://...}. */
class SampleRedisClusterTest extends SampleRedisCases {
  @RegisterExtension
  final RedisExtension<RedisCluster> cluster = RedisExtension.cluster();

  @Override
  TestRedis redis() {
    return cluster.redis();
  }

  /** One master down is enough: the topics it serves cannot be reached. */
  @Override
  void killRedis() {
    cluster.redis().nodes().get(1).kill();
  }

  @Override
  void restartRedis() {
    cluster.redis().nodes().get(1).restart();
    cluster.redis().awaitHealthy();
  }
}
