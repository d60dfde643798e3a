package io.ssekit.fanout.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.ssekit.SseHub;
import io.ssekit.StreamSink;
import io.ssekit.redis.RedisKeys;
import io.ssekit.redis.RedisMessage;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.EventHistoryProvider;
import io.ssekit.spi.Providers;
import io.ssekit.spi.Settings;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.StoredEvent;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The delivery lag of an event that came through Redis from another instance counts from its
 * append there, as the message says, not from its receipt here. Here "another instance" is a
 * message published straight to the topic's channel, with the append time it carries chosen by
 * the test.
 */
class DeliveryLagAcrossInstancesTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final RedisExtension<RedisServer> redis = RedisExtension.server();
  EventHistory history;
  SseHub hub;
  RedisClient client;
  StatefulRedisConnection<String, String> connection;
  final ConcurrentLinkedQueue<Long> published = new ConcurrentLinkedQueue<>();
  final AtomicInteger offers = new AtomicInteger();

  @BeforeEach
  void start() {
    history = Providers.only(EventHistoryProvider.class).create(Settings.empty());
    hub = SseHub.builder().history(history).fanout(RedisFanout.builder().uri(redis.uri()).build())
        .listener(new SseListener() {}) // someone listens: the hub keeps publish times
        .build();
    hub.subscribe(List.of("t"), null, new StreamSink() {
      @Override
      public boolean offer(byte[] head, byte[] body) {
        offers.incrementAndGet();
        return true;
      }

      @Override
      public boolean offer(byte[] head, byte[] body, long publishedNanos) {
        if (publishedNanos != 0) {
          published.add(publishedNanos);
        }
        return offer(head, body);
      }

      @Override
      public void end() {}
    });
    // the stream's first frame, its start id, follows the fanout's subscription to its topic
    await().atMost(WAIT).until(() -> offers.get() > 0);
    client = RedisClient.create(redis.uri());
    connection = client.connect();
  }

  @AfterEach
  void stop() {
    connection.close();
    client.shutdown();
    hub.close();
  }

  /** Publishes {@code event} on its channel as appended at {@code appendedMicros}. */
  void publishFromElsewhere(StoredEvent event, long appendedMicros) {
    connection.sync().publish(new RedisKeys(RedisKeys.DEFAULT_PREFIX).channel(event.topic()),
        RedisMessage.encode(event, appendedMicros));
  }

  /** How long before now the first live event offered was published, by the hub's account. */
  long lagOfTheEventOffered() {
    await().atMost(WAIT).until(() -> !published.isEmpty());
    return System.nanoTime() - published.peek();
  }

  @Test
  void anEventAppendedTwoSecondsAgoElsewhereIsTwoSecondsLateOnArrival() {
    StoredEvent event = history.append("t", null, "from elsewhere").toCompletableFuture().join();

    publishFromElsewhere(event, RedisMessage.nowMicros() - 2_000_000);

    long lag = lagOfTheEventOffered();
    assertTrue(lag >= TimeUnit.MILLISECONDS.toNanos(1_990), "lag " + lag + " ns");
    assertTrue(lag < TimeUnit.SECONDS.toNanos(2) + WAIT.toNanos(), "lag " + lag + " ns");
  }

  @Test
  void anAppendTimeInTheFutureCountsAsTheMomentOfReceipt() {
    StoredEvent event = history.append("t", null, "from a clock ahead").toCompletableFuture()
        .join();
    long before = System.nanoTime();

    publishFromElsewhere(event, RedisMessage.nowMicros() + 60_000_000);

    await().atMost(WAIT).until(() -> !published.isEmpty());
    long origin = published.peek();
    assertTrue(origin - before >= 0 && System.nanoTime() - origin >= 0,
        "counted from its receipt, between the publish and now");
  }
}
