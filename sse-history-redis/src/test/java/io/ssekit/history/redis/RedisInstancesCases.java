package io.ssekit.history.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.Subscription;
import io.ssekit.fanout.redis.RedisFanout;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.StoredEvent;
import io.ssekit.testkit.RecordingSink.Frame;
import io.ssekit.testkit.RecordingSink;
import io.ssekit.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several instances (hubs, each with its own Redis history and fanout) sharing Redis: what a
 * deployment behind a load balancer does, including Redis faults. Run on one Redis and on a
 * Redis Cluster.
 */
abstract class RedisInstancesCases {
  static final Duration WAIT = Duration.ofSeconds(30);

  final List<AutoCloseable> open = new ArrayList<>();

  /** The Redis of the running test. */
  abstract TestRedis redis();

  /** Restarts all of Redis without persistence: it comes back empty. */
  abstract void restartRedis();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  SseHub instance() {
    return instance(redis().uri());
  }

  SseHub instance(String uri) {
    SseHub hub = SseHub.builder()
        .history(RedisEventHistory.builder().uri(uri).maxEventsPerTopic(10_000).build())
        .fanout(RedisFanout.builder().uri(uri).build())
        .build();
    open.add(hub);
    return hub;
  }

  static RecordingSink stream(SseHub hub, String... topics) {
    RecordingSink sink = new RecordingSink(100_000);
    hub.subscribe(List.of(topics), null, sink);
    await().atMost(WAIT).until(() -> !sink.frames().isEmpty()); // the start id line
    return sink;
  }

  static String publish(SseHub hub, String topic, String data) {
    return hub.publish(topic, data).toCompletableFuture().join();
  }

  /** The positions of {@code topic} in the ids of the events a stream got, in arrival order. */
  static List<Long> positions(RecordingSink sink, String topic) {
    List<Long> out = new ArrayList<>();
    for (Frame event : sink.events()) {
      if (event.data().startsWith(topic + "|")) {
        out.add(Cursor.parse(event.id()).orElseThrow().position(topic).getAsLong());
      }
    }
    return out;
  }

  /** As many events as were published, each once (positions grow strictly), in order. */
  static void assertEveryEventOnceInOrder(List<Long> positions, int count) {
    assertEquals(count, positions.size(), "every event once");
    for (int i = 1; i < positions.size(); i++) {
      assertTrue(positions.get(i - 1) < positions.get(i), "in position order, none twice");
    }
  }

  @Test
  void anEventPublishedOnOneInstanceReachesTheStreamsOfEveryInstance() {
    SseHub one = instance();
    SseHub two = instance();
    RecordingSink onOne = stream(one, "news");
    RecordingSink onTwo = stream(two, "news");

    String id = publish(one, "news", "news|deploy");

    await().atMost(WAIT).until(() -> onTwo.events().size() == 1 && onOne.events().size() == 1);
    assertEquals(new Frame(id, null, "news|deploy"), onTwo.events().get(0));
    assertEquals(onOne.events(), onTwo.events());
  }

  @Test
  void aPublishRetriedOnAnotherInstanceWithItsKeyIsDeliveredOnce() {
    SseHub one = instance();
    SseHub two = instance();
    RecordingSink onOne = stream(one, "orders");
    RecordingSink onTwo = stream(two, "orders");

    String first = one.publish("orders", "created", "orders|17", "req-17")
        .toCompletableFuture().join();
    String retried = two.publish("orders", "created", "orders|17", "req-17")
        .toCompletableFuture().join();
    String next = two.publish("orders", "created", "orders|18", "req-18")
        .toCompletableFuture().join();

    assertEquals(first, retried, "the retry answers the first publish's id");
    await().atMost(WAIT).until(() -> onOne.events().size() >= 2 && onTwo.events().size() >= 2);
    List<Frame> expected = List.of(new Frame(first, "created", "orders|17"),
        new Frame(next, "created", "orders|18"));
    assertEquals(expected, onOne.events());
    assertEquals(expected, onTwo.events());
  }

  @Test
  void instancesPublishingToOneTopicAtOnceDeliverOneOrderEverywhere() throws Exception {
    SseHub one = instance();
    SseHub two = instance();
    RecordingSink onOne = stream(one, "t");
    RecordingSink onTwo = stream(two, "t");

    List<CompletableFuture<Void>> publishers = new ArrayList<>();
    for (SseHub hub : List.of(one, two, one, two)) {
      publishers.add(CompletableFuture.runAsync(() -> {
        List<CompletableFuture<String>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          sent.add(hub.publish("t", "t|" + i).toCompletableFuture());
        }
        sent.forEach(CompletableFuture::join);
      }));
    }
    CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> onOne.events().size() >= 800 && onTwo.events().size() >= 800);
    assertEveryEventOnceInOrder(positions(onOne, "t"), 800);
    assertEquals(onOne.events(), onTwo.events(), "the same events in the same order everywhere");
  }

  @Test
  void aClientResumingOnAnotherInstanceWithItsLastIdLosesNothingOnAnyTopic() {
    SseHub one = instance();
    SseHub two = instance();
    String[] topics = {"r0", "r1", "r2", "r3", "r4", "r5"}; // over every shard of a cluster
    RecordingSink first = new RecordingSink(100_000);
    Subscription firstStream = one.subscribe(List.of(topics), null, first);
    await().atMost(WAIT).until(() -> !first.frames().isEmpty()); // the start id line
    for (int round = 0; round < 3; round++) {
      for (String topic : topics) {
        publish(two, topic, topic + "|" + round);
      }
    }
    await().atMost(WAIT).until(() -> first.events().size() == 18);
    String lastId = first.lastId();
    firstStream.close(); // the client goes away ...
    for (int round = 3; round < 5; round++) {
      for (String topic : topics) {
        publish(one, topic, topic + "|" + round);
      }
    }
    RecordingSink resumed = new RecordingSink(100_000); // ... and comes back to the other one
    two.subscribe(List.of(topics), lastId, resumed);
    for (String topic : topics) {
      publish(one, topic, topic + "|5");
    }

    await().atMost(WAIT).until(() -> resumed.events().size() >= 18);
    for (String topic : topics) {
      List<String> got = new ArrayList<>();
      first.data().stream().filter(d -> d.startsWith(topic + "|")).forEach(got::add);
      resumed.data().stream().filter(d -> d.startsWith(topic + "|")).forEach(got::add);
      assertEquals(List.of(topic + "|0", topic + "|1", topic + "|2", topic + "|3", topic + "|4",
          topic + "|5"), got, "every event of " + topic + " once, in order");
    }
    assertTrue(resumed.frames().stream().noneMatch(f -> "sse-reset".equals(f.event())));
  }

  @Test
  void aCutPubSubConnectionLosesNothingForOpenStreams() throws Exception {
    SseHub one = instance();
    SseHub two = instance();
    RecordingSink onTwo = stream(two, "a", "b");

    CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 300; i++) {
        publish(one, i % 3 == 0 ? "b" : "a", (i % 3 == 0 ? "b|" : "a|") + i);
      }
    });
    // Cut every pub/sub connection a few times while events are published.
    for (int cut = 0; cut < 3; cut++) {
      await().atMost(WAIT).until(() -> onTwo.events().size() > 20);
      redis().killPubSubClients();
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30));
    }
    publishing.get(60, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> onTwo.events().size() >= 300);
    assertEveryEventOnceInOrder(positions(onTwo, "a"), 200);
    assertEveryEventOnceInOrder(positions(onTwo, "b"), 100);
    assertFalse(onTwo.ended(), "the stream stayed open");
    assertTrue(onTwo.frames().stream().noneMatch(f -> "sse-reset".equals(f.event())),
        "nothing was lost, so nothing is reset");
  }

  @Test
  void aRedisRestartedWithoutPersistenceResetsOpenStreamsInPlace() {
    SseHub one = instance();
    SseHub two = instance();
    RecordingSink onTwo = stream(two, "t");
    publish(one, "t", "t|before");
    await().atMost(WAIT).until(() -> onTwo.events().size() == 1);

    restartRedis();

    String after = await().atMost(WAIT).ignoreExceptions()
        .until(() -> publish(one, "t", "t|after"), id -> true);
    await().atMost(WAIT).until(() -> onTwo.data().contains("t|after"));
    Frame reset = onTwo.frames().stream().filter(f -> "sse-reset".equals(f.event()))
        .findFirst().orElseThrow();
    assertEquals("{\"reason\":\"unknown-epoch\",\"topics\":[\"t\"]}", reset.data());
    assertEquals(List.of("t|before", "t|after"), onTwo.data().stream()
        .filter(d -> d.startsWith("t|")).toList());
    assertEquals(after, onTwo.lastId());
    assertFalse(onTwo.ended(), "the stream stayed open");
  }

  @Test
  void theFanoutSaysWhichTopicsItMayHaveMissedAfterACut() {
    RedisFanout fanout = RedisFanout.builder().uri(redis().uri()).build();
    open.add(fanout);
    List<Set<String>> missed = new CopyOnWriteArrayList<>();
    List<StoredEvent> received = new CopyOnWriteArrayList<>();
    fanout.start(new Fanout.Listener() {
      @Override
      public void onEvent(StoredEvent event) {
        received.add(event);
      }

      @Override
      public void onMissed(Set<String> topics) {
        missed.add(topics);
      }
    });
    fanout.subscribe("x").toCompletableFuture().join();
    fanout.subscribe("y").toCompletableFuture().join();

    redis().killPubSubClients();

    // Once, or per cluster node that serves one of them.
    await().atMost(WAIT).until(() -> missed.stream().flatMap(Set::stream)
        .collect(Collectors.toSet()).equals(Set.of("x", "y")));
    // Subscribed again by then: a new event arrives.
    StoredEvent event = new StoredEvent("e1", "x", 7, "n", "after the cut");
    fanout.publish(event).toCompletableFuture().join();
    await().atMost(WAIT).until(() -> received.contains(event));
  }
}
