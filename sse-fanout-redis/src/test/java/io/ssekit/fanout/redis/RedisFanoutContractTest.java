package io.ssekit.fanout.redis;

import io.ssekit.spi.Fanout;
import io.ssekit.testkit.FanoutContract;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fanout contract, unchanged, on a real redis-server of the test's own. */
class RedisFanoutContractTest extends FanoutContract {
  @RegisterExtension
  static final RedisExtension<RedisServer> REDIS = RedisExtension.server();

  @Override
  protected Fanout newFanout() {
    return RedisFanout.builder().uri(REDIS.uri()).build();
  }
}
