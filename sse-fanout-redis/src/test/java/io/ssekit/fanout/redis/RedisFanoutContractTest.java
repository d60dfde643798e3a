package io.ssekit.fanout.redis;

import io.ssekit.spi.Fanout;
import io.ssekit.testkit.FanoutContract;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fanout contract on a real redis-server of the test's own; clause 9's cut closes every
 * pub/sub connection on the server, as a network cut would.
 */
class RedisFanoutContractTest extends FanoutContract {
  @RegisterExtension
  static final RedisExtension<RedisServer> REDIS = RedisExtension.server();

  @Override
  protected Fanout newFanout() {
    return RedisFanout.builder().uri(REDIS.uri()).build();
  }

  @Override
  protected Optional<Runnable> cutTransport() {
    return Optional.of(() -> REDIS.redis().killPubSubClients());
  }
}
