package io.ssekit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ssekit.spi.Fanout;
import io.ssekit.spi.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link Fanout}, clause by clause, for one instance. Extend it in your
 * implementation's test sources; every test names the clause it checks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class FanoutContract {
  private static final String EPOCH = "contract";
  private final List<Fanout> opened = new ArrayList<>();

  /** A new fanout instance, not started. The kit closes it after the test. */
  protected abstract Fanout newFanout();

  /** The longest a delivery or stage may take. Default 10 seconds. */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  @AfterEach
  void closeFanouts() {
    opened.forEach(Fanout::close);
  }

  @Test
  void clause1_startingTwiceFails() {
    Fanout fanout = open();
    Fanout.Listener ignore = Fanout.Listener.of(event -> { });
    fanout.start(ignore);
    assertThrows(IllegalStateException.class, () -> fanout.start(ignore));
  }

  @Test
  void clause2_aSubscribedTopicReceivesWhatIsPublished() {
    Fanout fanout = open();
    List<StoredEvent> received = new CopyOnWriteArrayList<>();
    fanout.start(Fanout.Listener.of(received::add));
    await(fanout.subscribe("news"));
    StoredEvent event = event("news", 1, "hello");
    await(fanout.publish(event));
    awaitUntil(() -> received.contains(event));
    assertEquals(List.of(event), received);
  }

  @Test
  void clause3_eventsOfATopicArriveInPublishOrderWhileOtherTopicsPublishToo() {
    Fanout fanout = open();
    Map<String, List<Long>> received = new ConcurrentHashMap<>();
    fanout.start(Fanout.Listener.of(e -> received.computeIfAbsent(e.topic(),
        t -> Collections.synchronizedList(new ArrayList<>())).add(e.position())));
    int topics = 4;
    int perTopic = 300;
    List<CompletableFuture<Void>> publishers = new ArrayList<>();
    for (int t = 0; t < topics; t++) {
      String topic = "order/" + t;
      await(fanout.subscribe(topic));
      publishers.add(CompletableFuture.runAsync(() -> {
        for (int i = 1; i <= perTopic; i++) {
          await(fanout.publish(event(topic, i, topic + "#" + i)));
        }
      }));
    }
    CompletableFuture.allOf(publishers.toArray(new CompletableFuture<?>[0]))
        .orTimeout(timeout().toMillis() * 3, TimeUnit.MILLISECONDS).join();
    for (int t = 0; t < topics; t++) {
      String topic = "order/" + t;
      awaitUntil(() -> received.getOrDefault(topic, List.of()).size() >= perTopic);
      List<Long> expected = new ArrayList<>();
      for (long i = 1; i <= perTopic; i++) {
        expected.add(i);
      }
      assertEquals(expected, received.get(topic), "order of " + topic);
    }
  }

  @Test
  void clause4_eachPublishedEventArrivesOnce() {
    Fanout fanout = open();
    List<String> received = new CopyOnWriteArrayList<>();
    fanout.start(Fanout.Listener.of(e -> received.add(e.data())));
    await(fanout.subscribe("once"));
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      expected.add("e" + i);
      await(fanout.publish(event("once", i, "e" + i)));
    }
    expected.add("marker");
    await(fanout.publish(event("once", 51, "marker")));
    awaitUntil(() -> received.contains("marker"));
    assertEquals(expected, received);
  }

  @Test
  void clause5_aFailingListenerCallDoesNotStopLaterDeliveries() {
    Fanout fanout = open();
    List<String> received = new CopyOnWriteArrayList<>();
    fanout.start(Fanout.Listener.of(e -> {
      if (e.data().equals("boom")) {
        throw new IllegalStateException("listener failure the fanout must survive");
      }
      received.add(e.data());
    }));
    await(fanout.subscribe("t"));
    fanout.publish(event("t", 1, "boom"));
    await(fanout.publish(event("t", 2, "after")));
    awaitUntil(() -> received.contains("after"));
  }

  @Test
  void clause6_subscribingAgainAfterUnsubscribingReceivesAgain() {
    Fanout fanout = open();
    List<String> received = new CopyOnWriteArrayList<>();
    fanout.start(Fanout.Listener.of(e -> received.add(e.data())));
    await(fanout.subscribe("t"));
    await(fanout.unsubscribe("t"));
    await(fanout.subscribe("t"));
    await(fanout.publish(event("t", 1, "again")));
    awaitUntil(() -> received.contains("again"));
  }

  @Test
  void clause8_aClosedFanoutRefusesToPublishAndDeliversNothing() {
    Fanout fanout = open();
    AtomicInteger count = new AtomicInteger();
    fanout.start(Fanout.Listener.of(e -> count.incrementAndGet()));
    await(fanout.subscribe("t"));
    fanout.close();
    CompletionException failure = assertThrows(CompletionException.class,
        () -> fanout.publish(event("t", 1, "late")).toCompletableFuture()
            .orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).join());
    assertInstanceOf(IllegalStateException.class, failure.getCause());
    assertEquals(0, count.get());
    fanout.close(); // idempotent
  }

  /** Opens a fanout that the kit closes after the test. */
  protected final Fanout open() {
    Fanout fanout = newFanout();
    opened.add(fanout);
    return fanout;
  }

  /** A stored event as a history would produce it. */
  protected static StoredEvent event(String topic, long position, String data) {
    return new StoredEvent(EPOCH, topic, position, null, data);
  }

  /** Waits for a stage, failing the test after {@link #timeout()}. */
  protected final <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS)
        .join();
  }

  /** Waits for a condition, failing the test after {@link #timeout()}. */
  protected final void awaitUntil(Callable<Boolean> condition) {
    Awaitility.await().atMost(timeout()).pollInterval(Duration.ofMillis(10)).until(condition);
  }
}
