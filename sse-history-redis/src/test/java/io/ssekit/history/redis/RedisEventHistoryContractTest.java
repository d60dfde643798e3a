package io.ssekit.history.redis;

import io.ssekit.spi.EventHistory;
import io.ssekit.testkit.EventHistoryContract;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The history contract, unchanged, on a real redis-server of the test's own. */
class RedisEventHistoryContractTest extends EventHistoryContract {
  @RegisterExtension
  static final RedisExtension<RedisServer> REDIS = RedisExtension.server();

  @Override
  protected EventHistory newHistory(int maxEventsPerTopic, Duration maxAge) {
    return newRedisHistory(REDIS, maxEventsPerTopic, maxAge);
  }

  /** A flushed Redis, served by the same history object. */
  @Override
  protected EventHistory afterLoss(EventHistory history) {
    REDIS.redis().flushAll();
    return history;
  }

  static EventHistory newRedisHistory(RedisExtension<?> redis, int maxEventsPerTopic,
      Duration maxAge) {
    return RedisEventHistory.builder().uri(redis.uri()).maxEventsPerTopic(maxEventsPerTopic)
        .maxAge(maxAge).idleTopicExpiry(maxAge.compareTo(Duration.ofHours(24)) > 0
            ? maxAge : Duration.ofHours(24))
        .build();
  }
}
