package io.ssekit.history.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.ssekit.SseHub;
import io.ssekit.fanout.redis.RedisFanout;
import io.ssekit.redis.RedisKeys;
import io.ssekit.redis.RedisMessage;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.StoredEvent;
import io.ssekit.testkit.RecordingSink;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When the Redis history publishes: only once the hub has attached it to the Redis fanout, and
 * then each event as a message the fanout reads back as the event the history appended. A
 * pattern subscriber sees every message published on the test's {@code redis-server}.
 */
class RedisHistoryPublishingTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String MARKER = "marker";

  @RegisterExtension
  final RedisExtension<RedisServer> server = RedisExtension.server();
  final List<AutoCloseable> open = new ArrayList<>();
  /** Channel and message of everything published, in the order Redis published it. */
  final List<String[]> published = new CopyOnWriteArrayList<>();
  RedisClient client;
  StatefulRedisConnection<String, String> commands;

  @BeforeEach
  void watchEveryChannel() {
    client = RedisClient.create(server.uri());
    commands = client.connect(StringCodec.UTF8);
    StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub(StringCodec.UTF8);
    pubSub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String pattern, String channel, String message) {
        published.add(new String[] {channel, message});
      }
    });
    pubSub.sync().psubscribe("*");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    client.shutdown();
  }

  RedisEventHistory history(String keyPrefix) {
    RedisEventHistory history = RedisEventHistory.builder().uri(server.uri()).keyPrefix(keyPrefix)
        .build();
    open.add(history);
    return history;
  }

  RedisFanout fanout(String uri, String keyPrefix) {
    RedisFanout fanout = RedisFanout.builder().uri(uri).keyPrefix(keyPrefix).build();
    open.add(fanout);
    return fanout;
  }

  /**
   * What was published before a marker sent now: Redis delivers to one subscriber in the order
   * it published, so whatever the appends published arrived before the marker.
   */
  List<String[]> publishedSoFar() {
    commands.sync().publish(MARKER, "now");
    await().atMost(WAIT).until(() -> published.stream().anyMatch(m -> m[0].equals(MARKER)));
    return published.stream().takeWhile(m -> !m[0].equals(MARKER)).toList();
  }

  @Test
  void underTheLocalFanoutTheHistoryPublishesNothing() {
    SseHub hub = SseHub.builder().history(history(RedisKeys.DEFAULT_PREFIX))
        .fanout(Fanout.local()).build();
    open.add(hub);
    RecordingSink sink = new RecordingSink(100_000);
    hub.subscribe(List.of("t"), null, sink);
    await().atMost(WAIT).until(() -> !sink.frames().isEmpty()); // the start id line

    for (int i = 0; i < 5; i++) {
      hub.publish("t", "local " + i).toCompletableFuture().join();
    }

    assertEquals(5, sink.events().size(), "delivered in this process");
    assertEquals(List.of(), publishedSoFar(), "nothing went through Redis pub/sub");
  }

  @Test
  void aHistoryOnItsOwnPublishesNothing() {
    RedisEventHistory history = history(RedisKeys.DEFAULT_PREFIX);
    history.append("t", "n", "alone").toCompletableFuture().join();
    history.append("t", null, "alone").toCompletableFuture().join();
    assertEquals(List.of(), publishedSoFar());
  }

  @Test
  void attachedToTheRedisFanoutItPublishesEachEventAsTheFanoutDecodesIt() {
    RedisEventHistory history = history("app:");
    fanout(server.uri(), "app:").attach(history);
    List<StoredEvent> appended = new ArrayList<>();
    for (String[] nameAndData : List.of(new String[] {null, "plain"},
        new String[] {"update", "two\nlines\n"}, new String[] {null, ""},
        new String[] {"naïve", "ünïcødé ✓\n-\n+x"}, new String[] {"e", "\n"})) {
      appended.add(history.append("t", nameAndData[0], nameAndData[1]).toCompletableFuture()
          .join());
    }
    appended.add(history.append("other", null, "o").toCompletableFuture().join());

    List<StoredEvent> decoded = new ArrayList<>();
    for (String[] message : publishedSoFar()) {
      decoded.add(RedisMessage.decode(history.keys().topicOfChannel(message[0]), message[1]));
    }
    assertEquals(appended, decoded, "each event once, in order, as the history stored it");
  }

  @Test
  void aKeyPrefixOtherThanTheHistorysFailsTheStartNamingBoth() {
    RedisEventHistory history = history("orders:");
    RedisFanout fanout = fanout(server.uri(), "ssekit:");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> SseHub.builder().history(history).fanout(fanout).build());
    assertEquals("the Redis fanout's keyPrefix \"ssekit:\" differs from the Redis history's "
        + "\"orders:\": give both the same keyPrefix", refused.getMessage());
    CompletionException closed = assertThrows(CompletionException.class,
        () -> history.append("t", null, "late").toCompletableFuture().join());
    assertEquals("the history is closed", closed.getCause().getMessage(),
        "the hub that could not start closed the history it was given");

    RedisEventHistory alone = history("orders:");
    assertThrows(IllegalStateException.class, () -> fanout(server.uri(), "ssekit:").attach(alone));
    alone.append("t", null, "not published").toCompletableFuture().join();
    assertEquals(List.of(), publishedSoFar(), "the history was not switched to publishing");
  }

  @Test
  void anotherRedisThanTheHistorysFailsTheStartNamingBoth() {
    try (RedisServer other = RedisServer.start()) {
      RedisEventHistory history = history(RedisKeys.DEFAULT_PREFIX);
      String otherUri = "redis://:pw@127.0.0.1:" + other.port();
      assertEquals("+OK", other.command("CONFIG", "SET", "requirepass", "pw"));
      RedisFanout fanout = fanout(otherUri, RedisKeys.DEFAULT_PREFIX);
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> SseHub.builder().history(history).fanout(fanout).build());
      assertEquals("the Redis fanout (redis://***@127.0.0.1:" + other.port() + ") and the Redis "
          + "history (" + server.uri() + ") use different Redis servers: give both the same uri",
          refused.getMessage());
      fanout.close();
    }
  }

  @Test
  void theSameRedisUnderAnotherUriIsTheSameRedis() {
    RedisEventHistory history = history(RedisKeys.DEFAULT_PREFIX);
    RedisFanout fanout = fanout(server.uri() + "/0?timeout=3s", RedisKeys.DEFAULT_PREFIX);
    fanout.attach(history);
    StoredEvent event = history.append("t", null, "published").toCompletableFuture().join();
    List<String[]> messages = publishedSoFar();
    assertEquals(1, messages.size());
    assertEquals(event, RedisMessage.decode("t", messages.get(0)[1]));
  }
}
