package io.ssekit.sample;

import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import io.ssekit.testkit.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two sample-app instances sharing one real redis-server. */
class SampleRedisTest extends SampleRedisCases {
  @RegisterExtension
  final RedisExtension<RedisServer> redis = RedisExtension.server();

  @Override
  TestRedis redis() {
    return redis.redis();
  }

  @Override
  void killRedis() {
    redis.redis().kill();
  }

  @Override
  void restartRedis() {
    redis.redis().restart();
  }
}
