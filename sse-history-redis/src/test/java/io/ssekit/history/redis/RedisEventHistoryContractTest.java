package io.ssekit.history.redis;

import io.ssekit.spi.EventHistory;
import io.ssekit.testkit.EventHistoryContract;
import io.ssekit.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The history contract, unchanged, on a real redis-server of the test's own. */
class RedisEventHistoryContractTest extends EventHistoryContract {
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
  protected EventHistory newHistory(int maxEventsPerTopic, Duration maxAge) {
    return RedisEventHistory.builder().uri(redis.uri()).maxEventsPerTopic(maxEventsPerTopic)
        .maxAge(maxAge).idleTopicExpiry(maxAge.compareTo(Duration.ofHours(24)) > 0
            ? maxAge : Duration.ofHours(24))
        .build();
  }

  /** A flushed Redis, served by the same history object. */
  @Override
  protected EventHistory afterLoss(EventHistory history) {
    redis.command("FLUSHALL");
    return history;
  }
}
