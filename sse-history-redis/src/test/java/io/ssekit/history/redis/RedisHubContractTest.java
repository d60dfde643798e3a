package io.ssekit.history.redis;

import io.ssekit.spi.EventHistory;
import io.ssekit.testkit.HubContract;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hub's replay/live seam, end to end, on the Redis history. */
class RedisHubContractTest extends HubContract {
  @RegisterExtension
  static final RedisExtension<RedisServer> REDIS = RedisExtension.server();

  @Override
  protected EventHistory newHistory() {
    return newRedisHistory(REDIS);
  }

  /** Each history has keys of its own: an empty store, while other hubs of the test still run. */
  static EventHistory newRedisHistory(RedisExtension<?> redis) {
    return RedisEventHistory.builder().uri(redis.uri()).maxEventsPerTopic(10_000)
        .keyPrefix("hub" + STORES.incrementAndGet() + ":").build();
  }

  private static final AtomicInteger STORES = new AtomicInteger();
}
