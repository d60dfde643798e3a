package io.ssekit.sample;

import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisSentinel;
import io.ssekit.testkit.RedisServer;
import io.ssekit.testkit.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two sample-app instances on Redis behind Sentinel ({@code redis-sentinel://}): killing the
 * master makes Redis unreachable until the Sentinels promote the replica, and the apps follow.
 */
class SampleRedisSentinelTest extends SampleRedisCases {
  @RegisterExtension
  static final RedisExtension<RedisSentinel> REDIS = RedisExtension.sentinel();

  private RedisServer killed;

  @Override
  TestRedis redis() {
    return REDIS.redis();
  }

  @Override
  void killRedis() {
    killed = REDIS.redis().master();
    killed.kill();
  }

  /** The Sentinels promote the replica; nothing is restarted. */
  @Override
  void restartRedis() {
    REDIS.redis().awaitFailoverFrom(killed);
  }
}
