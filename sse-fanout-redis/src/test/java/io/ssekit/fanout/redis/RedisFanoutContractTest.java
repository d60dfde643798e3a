package io.ssekit.fanout.redis;

import io.ssekit.spi.Fanout;
import io.ssekit.testkit.FanoutContract;
import io.ssekit.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The fanout contract, unchanged, on a real redis-server of the test's own. */
class RedisFanoutContractTest extends FanoutContract {
  static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void emptyStore() {
    redis.command("FLUSHALL");
  }

  @Override
  protected Fanout newFanout() {
    return RedisFanout.builder().uri(redis.uri()).build();
  }
}
