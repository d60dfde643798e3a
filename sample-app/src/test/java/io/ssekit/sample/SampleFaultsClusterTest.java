package io.ssekit.sample;

import io.ssekit.testkit.RedisCluster;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fault cases on a Redis Cluster of three masters: the soak's topics spread over them. */
class SampleFaultsClusterTest extends SampleFaultsCases {
  @RegisterExtension
  final RedisExtension<RedisCluster> cluster = RedisExtension.cluster();

  @Override
  TestRedis redis() {
    return cluster.redis();
  }
}
