package io.ssekit.sample;

import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import io.ssekit.testkit.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fault cases on one real redis-server. */
class SampleFaultsTest extends SampleFaultsCases {
  @RegisterExtension
  final RedisExtension<RedisServer> redis = RedisExtension.server();

  @Override
  TestRedis redis() {
    return redis.redis();
  }
}
