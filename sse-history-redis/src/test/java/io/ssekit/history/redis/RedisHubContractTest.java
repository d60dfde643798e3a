package io.ssekit.history.redis;

import io.ssekit.spi.EventHistory;
import io.ssekit.testkit.HubContract;
import io.ssekit.testkit.RedisServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The hub's replay/live seam, end to end, on the Redis history. */
class RedisHubContractTest extends HubContract {
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

  /** Each history has keys of its own: an empty store, while other hubs of the test still run. */
  @Override
  protected EventHistory newHistory() {
    return RedisEventHistory.builder().uri(redis.uri()).maxEventsPerTopic(10_000)
        .keyPrefix("hub" + STORES.incrementAndGet() + ":").build();
  }

  private static final AtomicInteger STORES = new AtomicInteger();
}
