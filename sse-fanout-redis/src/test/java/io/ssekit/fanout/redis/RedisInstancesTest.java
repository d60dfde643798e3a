package io.ssekit.fanout.redis;

import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import io.ssekit.testkit.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several instances on one real {@code redis-server}. */
class RedisInstancesTest extends RedisInstancesCases {
  @RegisterExtension
  final RedisExtension<RedisServer> redis = RedisExtension.server();

  @Override
  TestRedis redis() {
    return redis.redis();
  }

  @Override
  void restartRedis() {
    redis.redis().restart();
  }
}
