package io.ssekit.fanout.redis;

import io.ssekit.spi.Fanout;
import io.ssekit.testkit.FanoutContract;
import io.ssekit.testkit.RedisCluster;
import io.ssekit.testkit.RedisExtension;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fanout contract on a Redis Cluster: sharded pub/sub. Clause 9's cut closes the pub/sub
 * connections on every node.
 */
class RedisClusterFanoutContractTest extends FanoutContract {
  @RegisterExtension
  static final RedisExtension<RedisCluster> REDIS = RedisExtension.cluster();

  @Override
  protected Fanout newFanout() {
    return RedisFanout.builder().uri(REDIS.uri()).build();
  }

  @Override
  protected Optional<Runnable> cutTransport() {
    return Optional.of(() -> REDIS.redis().killPubSubClients());
  }
}
