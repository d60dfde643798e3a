package io.ssekit.history.redis;

import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisSentinel;
import io.ssekit.testkit.RedisServer;
import io.ssekit.testkit.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The failover cases behind Sentinel: a master, a replica and three Sentinels. */
class RedisSentinelFailoverTest extends RedisFailoverCases {
  @RegisterExtension
  final RedisExtension<RedisSentinel> redis = RedisExtension.sentinel();

  @Override
  TestRedis redis() {
    return redis.redis();
  }

  @Override
  RedisServer masterOf(String topic) {
    return redis.redis().master();
  }

  @Override
  RedisServer killMasterOf(String topic) {
    RedisServer master = redis.redis().master();
    master.kill();
    return master;
  }

  @Override
  void awaitFailoverFrom(RedisServer killed) {
    redis.redis().awaitFailoverFrom(killed);
  }
}
