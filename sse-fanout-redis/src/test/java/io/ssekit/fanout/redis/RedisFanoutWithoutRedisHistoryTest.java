package io.ssekit.fanout.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ssekit.SseHub;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.EventHistoryProvider;
import io.ssekit.spi.FanoutProvider;
import io.ssekit.spi.Providers;
import io.ssekit.spi.Settings;
import io.ssekit.testkit.RecordingSink;
import io.ssekit.testkit.RecordingSink.Frame;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis fanout on its own, with a history that is not in Redis: its module brings no history
 * provider onto the class path (this test's class path has the memory history besides, as an
 * application's would), and it publishes events itself.
 */
class RedisFanoutWithoutRedisHistoryTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final RedisExtension<RedisServer> redis = RedisExtension.server();
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  SseHub hub(EventHistory history) {
    SseHub.Builder builder = SseHub.builder().fanout(RedisFanout.builder().uri(redis.uri()).build());
    if (history != null) {
      builder.history(history);
    }
    SseHub hub = builder.build();
    open.add(hub);
    return hub;
  }

  static RecordingSink stream(SseHub hub, String topic) {
    RecordingSink sink = new RecordingSink(100_000);
    hub.subscribe(List.of(topic), null, sink);
    await().atMost(WAIT).until(() -> !sink.frames().isEmpty()); // the start id line
    return sink;
  }

  @Test
  void theFanoutModuleBringsNoHistoryProvider() {
    assertEquals(List.of("memory"), Providers.names(EventHistoryProvider.class));
    assertEquals(List.of("local", "redis"), Providers.names(FanoutProvider.class));
    assertThrows(ClassNotFoundException.class,
        () -> Class.forName("io.ssekit.history.redis.RedisEventHistory"));
  }

  @Test
  void aHubWithTheRedisFanoutAndNoHistoryNamedFindsTheOnlyOneAndDeliversThroughRedis() {
    SseHub hub = hub(null); // the default lookup: several providers would fail here
    RecordingSink sink = stream(hub, "t");

    String id = hub.publish("t", "over Redis").toCompletableFuture().join();

    await().atMost(WAIT).until(() -> sink.events().size() == 1);
    assertEquals(new Frame(id, null, "over Redis"), sink.events().get(0));
  }

  @Test
  void twoHubsOnOneMemoryHistoryGetEachOthersEventsOnceThroughRedis() {
    EventHistory shared = Providers.only(EventHistoryProvider.class).create(Settings.empty());
    SseHub one = hub(shared);
    SseHub two = hub(shared);
    RecordingSink onOne = stream(one, "t");
    RecordingSink onTwo = stream(two, "t");

    String first = one.publish("t", "update", "two\nlines").toCompletableFuture().join();
    String second = two.publish("t", "").toCompletableFuture().join();
    String third = one.publish("t", "last").toCompletableFuture().join();

    List<Frame> expected = List.of(new Frame(first, "update", "two\nlines"),
        new Frame(second, null, ""), new Frame(third, null, "last"));
    await().atMost(WAIT).until(() -> onOne.events().size() >= 3 && onTwo.events().size() >= 3);
    assertEquals(expected, onOne.events());
    assertEquals(expected, onTwo.events(), "each event once, in order, on the other hub too");
  }
}
