package io.ssekit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.Subscription;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.StoredEvent;
import io.ssekit.testkit.RecordingSink.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What streams see when an {@link EventHistory} and a {@link Fanout} work together in an
 * {@link SseHub}: the start cursor, replay, {@code sse-reset}, and above all the seam between
 * replay and live events, with no event lost or written twice while publishers keep publishing.
 *
 * <p>Extend it with your history (and fanout, default {@link Fanout#local()}). The history must
 * hold at least 10,000 events per topic. System property {@code ssekit.seamRuns} sets how many
 * times the concurrent seam scenario runs (default 3).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class HubContract {
  private final List<SseHub> hubs = new ArrayList<>();

  /** For the test class of an implementation, which extends this one. */
  protected HubContract() {}

  /** A history over an empty store holding at least 10,000 events per topic. */
  protected abstract EventHistory newHistory();

  /** The fanout; default {@link Fanout#local()}. */
  protected Fanout newFanout() {
    return Fanout.local();
  }

  /** The longest a single wait may take. Default 10 seconds. */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  @AfterEach
  void closeHubs() {
    hubs.forEach(SseHub::close);
  }

  @Test
  void aStreamStartsWithItsCursorThenGetsLiveEvents() {
    SseHub hub = open();
    await(hub.publish("news", "before"));
    RecordingSink sink = new RecordingSink();
    hub.subscribe(List.of("news"), null, sink);
    awaitUntil(() -> !sink.frames().isEmpty());
    Frame first = sink.frames().get(0);
    assertTrue(first.idOnly(), "the first group is the id line alone: " + first);
    Cursor start = Cursor.parse(first.id()).orElseThrow();
    assertEquals(Set.of("news"), start.topics());

    String id = await(hub.publish("news", "update", "after"));
    awaitUntil(() -> sink.events().size() == 1);
    Frame live = sink.events().get(0);
    assertEquals(new Frame(id, "update", "after"), live);
    assertTrue(Cursor.parse(id).orElseThrow().position("news").getAsLong()
        > start.position("news").getAsLong());
  }

  @Test
  void publishAnswersTheIdTheHistoryAssigned() {
    SseHub hub = open();
    String first = await(hub.publish("t", "one"));
    String second = await(hub.publish("t", "two"));
    RecordingSink sink = new RecordingSink();
    hub.subscribe(List.of("t"), first, sink);
    awaitUntil(() -> sink.events().size() == 1);
    assertEquals(new Frame(second, null, "two"), sink.events().get(0));
  }

  @Test
  void aPublishRetriedWithItsIdempotencyKeyReachesEveryStreamOnce() {
    SseHub hub = open();
    RecordingSink one = new RecordingSink();
    RecordingSink two = new RecordingSink();
    hub.subscribe(List.of("orders"), null, one);
    hub.subscribe(List.of("orders", "other"), null, two);
    awaitUntil(() -> !one.frames().isEmpty() && !two.frames().isEmpty());

    String first = await(hub.publish("orders", "created", "order 17", "req-17"));
    String retried = await(hub.publish("orders", "created", "order 17", "req-17"));
    String next = await(hub.publish("orders", "created", "order 18", "req-18"));

    assertEquals(first, retried, "a retry answers the first publish's id");
    awaitUntil(() -> one.data().size() >= 2 && two.data().size() >= 2);
    assertEquals(List.of("order 17", "order 18"), one.data());
    assertEquals(List.of("order 17", "order 18"), two.data());
    assertEquals(List.of(first, next), one.events().stream().map(Frame::id).toList());
    RecordingSink resumed = new RecordingSink();
    hub.subscribe(List.of("orders"), one.frames().get(0).id(), resumed);
    awaitUntil(() -> resumed.data().size() >= 2);
    assertEquals(List.of("order 17", "order 18"), resumed.data(), "the history holds it once");
  }

  @Test
  void aReconnectingStreamGetsWhatItMissedThenLiveEventsWithoutDuplicates() {
    SseHub hub = open();
    RecordingSink first = new RecordingSink();
    Subscription subscription = hub.subscribe(List.of("t"), null, first);
    await(hub.publish("t", "1"));
    awaitUntil(() -> first.data().equals(List.of("1")));
    subscription.close();
    await(hub.publish("t", "2"));
    await(hub.publish("t", "3"));

    RecordingSink second = new RecordingSink();
    hub.subscribe(List.of("t"), first.lastId(), second);
    await(hub.publish("t", "4"));
    awaitUntil(() -> second.data().size() >= 3);
    assertEquals(List.of("2", "3", "4"), second.data());
    assertTrue(second.frames().stream().noneMatch(f -> "sse-reset".equals(f.event())));
  }

  @Test
  void oneIdCoversEveryTopicOfAStream() {
    SseHub hub = open();
    RecordingSink sink = new RecordingSink();
    hub.subscribe(List.of("a", "b"), null, sink);
    awaitUntil(() -> !sink.frames().isEmpty());
    await(hub.publish("a", "a1"));
    await(hub.publish("b", "b1"));
    awaitUntil(() -> sink.events().size() == 2);
    Cursor afterA = Cursor.parse(sink.events().get(0).id()).orElseThrow();
    Cursor afterB = Cursor.parse(sink.events().get(1).id()).orElseThrow();
    assertEquals(Set.of("a", "b"), afterA.topics());
    assertEquals(afterA.position("a"), afterB.position("a"));

    RecordingSink resumed = new RecordingSink();
    hub.subscribe(List.of("a", "b"), afterA.text(), resumed);
    awaitUntil(() -> resumed.data().size() == 1);
    assertEquals(List.of("b1"), resumed.data());
  }

  @Test
  void aMalformedIdIsAnsweredWithResetThenLiveEvents() {
    SseHub hub = open();
    await(hub.publish("t", "old"));
    RecordingSink sink = new RecordingSink();
    hub.subscribe(List.of("t"), "garbage\u0000;;==", sink);
    awaitUntil(() -> sink.events().size() == 1);
    Frame reset = sink.events().get(0);
    assertEquals("sse-reset", reset.event());
    assertEquals("{\"reason\":\"malformed-id\",\"topics\":[\"t\"]}", reset.data());
    await(hub.publish("t", "new"));
    awaitUntil(() -> sink.data().equals(List.of("new")));
  }

  @Test
  void anIdOfAnotherEpochIsAnsweredWithResetAndEveryHeldEvent() {
    SseHub hub = open();
    await(hub.publish("t", "1"));
    await(hub.publish("t", "2"));
    RecordingSink sink = new RecordingSink();
    hub.subscribe(List.of("t"), "otherepoch;t=1", sink);
    awaitUntil(() -> sink.data().size() == 2);
    assertEquals("{\"reason\":\"unknown-epoch\",\"topics\":[\"t\"]}",
        sink.events().get(0).data());
    assertEquals(List.of("1", "2"), sink.data());
  }

  @Test
  void aReplayLargerThanTheSinkQueueIsWrittenAsTheClientReadsThenTheLiveEvents() {
    SseHub hub = open();
    RecordingSink first = new RecordingSink();
    Subscription before = hub.subscribe(List.of("t", "u"), null, first);
    awaitUntil(() -> first.lastId() != null);
    before.close();
    String kilobyte = "x".repeat(1000);
    Map<String, List<String>> published = new HashMap<>(Map.of("t", new ArrayList<>(),
        "u", new ArrayList<>()));
    for (int i = 0; i < 100; i++) {
      String topic = i % 2 == 0 ? "t" : "u";
      String data = topic + " " + i + " " + kilobyte;
      await(hub.publish(topic, data));
      published.get(topic).add(data);
    }

    // 100 KB missed, a queue of 8 KB: the replay goes out in pieces, as the client reads, each
    // within what the sink spares (half its queue), so that live events always find room. After
    // each piece read, a live event of 1 KB: those published while the replay is written wait
    // behind it, and the first one after it goes beside its last piece.
    RecordingSink slow = RecordingSink.queued(8 * 1024);
    hub.subscribe(List.of("t", "u"), first.lastId(), slow);
    int live = 0;
    while (slow.data().stream().filter(data -> !data.contains(" live ")).count() < 100
        && !slow.ended()) {
      awaitUntil(() -> slow.deliverQueued() > 0 || slow.ended());
      assertTrue(slow.queuedBytes() <= 4 * 1024, "a piece of " + slow.queuedBytes() + " bytes");
      String topic = live % 2 == 0 ? "t" : "u";
      String data = topic + " live " + live++ + " " + kilobyte;
      await(hub.publish(topic, data));
      published.get(topic).add(data);
    }
    int total = 100 + live;
    awaitUntil(() -> {
      slow.deliverQueued();
      return slow.data().size() >= total || slow.ended();
    });

    assertFalse(slow.ended(), "the stream must not be ended for what its queue cannot hold at once");
    for (String topic : List.of("t", "u")) {
      assertEquals(published.get(topic),
          slow.data().stream().filter(data -> data.startsWith(topic + " ")).toList(),
          "every event of " + topic + ", replayed then live, in order, once");
    }
    assertTrue(slow.frames().stream().noneMatch(f -> "sse-reset".equals(f.event())));
  }

  @Test
  void aStreamWhoseSinkIsFullIsEndedWithoutDisturbingOthers() {
    SseHub hub = open();
    RecordingSink full = new RecordingSink(3);
    RecordingSink healthy = new RecordingSink();
    hub.subscribe(List.of("t"), null, full);
    hub.subscribe(List.of("t"), null, healthy);
    awaitUntil(() -> healthy.frames().size() == 1);
    for (int i = 0; i < 10; i++) {
      await(hub.publish("t", "e" + i));
    }
    awaitUntil(full::ended);
    awaitUntil(() -> healthy.data().size() == 10);
    assertFalse(healthy.ended());
    assertEquals(1, hub.streamCount());
    assertEquals(1, hub.streamCount("t"));
  }

  @Test
  void closingAStreamReleasesItsTopics() {
    SseHub hub = open();
    Subscription a = hub.subscribe(List.of("x", "y"), null, new RecordingSink());
    Subscription b = hub.subscribe(List.of("y"), null, new RecordingSink());
    assertEquals(2, hub.topicCount());
    a.close();
    a.close();
    assertEquals(1, hub.topicCount());
    assertEquals(1, hub.streamCount());
    b.close();
    assertEquals(0, hub.topicCount());
    assertEquals(0, hub.streamCount());
    assertFalse(b.isOpen());
  }

  @Test
  void closingTheHubEndsEveryStream() {
    SseHub hub = open();
    RecordingSink sink = new RecordingSink();
    hub.subscribe(List.of("t"), null, sink);
    hub.close();
    assertTrue(sink.ended());
    assertThrows(IllegalStateException.class, () -> hub.publish("t", "late"));
    assertThrows(IllegalStateException.class,
        () -> hub.subscribe(List.of("t"), null, new RecordingSink()));
  }

  @Test
  void publishRefusesWhatCannotBeWritten() {
    SseHub hub = SseHub.builder().history(newHistory()).fanout(newFanout()).maxEventSize(8)
        .build();
    hubs.add(hub);
    assertEquals("event name must not contain CR or LF, was \"a\\nevent: x\"",
        assertThrows(IllegalArgumentException.class, () -> hub.publish("t", "a\nevent: x", "d"))
            .getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> hub.publish("t t", "d"))
        .getMessage().startsWith("topic must be"));
    assertEquals("event data of 9 bytes exceeds maxEventSize of 8 bytes",
        assertThrows(IllegalArgumentException.class, () -> hub.publish("t", "123456789"))
            .getMessage());
  }

  /**
   * Several publishers on several topics; streams of one to three topics start at random moments,
   * drop at random moments and resume with their last id. Every stream's events per topic, joined
   * across its reconnects, must be exactly the topic's events after the stream's first start.
   */
  @Test
  void theSeamLosesNothingAndDuplicatesNothingUnderConcurrency() throws Exception {
    int runs = Integer.getInteger("ssekit.seamRuns", 3);
    for (int run = 0; run < runs; run++) {
      seamScenario(new Random(run * 7919L + 17));
    }
  }

  private void seamScenario(Random random) throws Exception {
    EventHistory history = newHistory();
    SseHub hub = open(history);
    String[] topics = {"seam/0", "seam/1", "seam/2", "seam/3"};
    int publishers = 4;
    int perPublisher = 400;
    int clients = 6;
    AtomicBoolean publishing = new AtomicBoolean(true);

    List<SeamClient> seamClients = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      TreeSet<String> subset = new TreeSet<>();
      int size = 1 + random.nextInt(3);
      while (subset.size() < size) {
        subset.add(topics[random.nextInt(topics.length)]);
      }
      seamClients.add(new SeamClient(hub, subset, new Random(random.nextLong()), publishing));
    }
    // One thread per client and per publisher, owned here: the clients spin until publishing
    // stops, so on a pool smaller than the task count the publishers would never start.
    try (TestThreads threads = new TestThreads("seam", clients + publishers)) {
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (SeamClient client : seamClients) {
        running.add(CompletableFuture.runAsync(client::run, threads.executor()));
      }
      List<CompletableFuture<Void>> sending = new ArrayList<>();
      for (int p = 0; p < publishers; p++) {
        int publisher = p;
        long seed = random.nextLong();
        sending.add(CompletableFuture.runAsync(() -> {
          Random mine = new Random(seed);
          List<CompletionStage<String>> sent = new ArrayList<>();
          for (int i = 0; i < perPublisher; i++) {
            String topic = topics[mine.nextInt(topics.length)];
            sent.add(hub.publish(topic, topic + "|" + publisher + "-" + i));
            if (mine.nextInt(8) == 0) {
              LockSupport.parkNanos(50_000);
            }
          }
          sent.forEach(this::await);
        }, threads.executor()));
      }
      try {
        CompletableFuture.allOf(sending.toArray(new CompletableFuture<?>[0]))
            .get(timeout().toSeconds() * 6, TimeUnit.SECONDS);
      } finally {
        publishing.set(false); // the clients stop even when a publisher failed
      }
      CompletableFuture.allOf(running.toArray(new CompletableFuture<?>[0]))
          .get(timeout().toSeconds() * 6, TimeUnit.SECONDS);
    }

    Map<String, List<StoredEvent>> truth = new HashMap<>();
    for (String topic : topics) {
      truth.put(topic, everything(history, topic));
    }
    int total = truth.values().stream().mapToInt(List::size).sum();
    assertEquals(publishers * perPublisher, total, "the history holds every published event");

    for (SeamClient client : seamClients) {
      client.finish(truth);
    }
    hub.close();
    hubs.remove(hub);
  }

  /** Every event of {@code topic} the history holds, from the very first. */
  private List<StoredEvent> everything(EventHistory history, String topic) {
    String epoch = await(history.replay(null, Set.of(topic))).start().epoch();
    return await(history.replay(Cursor.of(epoch, topic, 0), Set.of(topic))).events();
  }

  /**
   * A client that keeps dropping and resuming its stream while events are published. Half of
   * them read through a queue of 1 KB, as a servlet stream's: their replays go out in pieces, and
   * one that overflows with live events is ended and resumes.
   */
  private final class SeamClient {
    private final SseHub hub;
    private final TreeSet<String> topics;
    private final Random random;
    private final AtomicBoolean publishing;
    private final boolean queued;
    private final Map<String, List<String>> received = new LinkedHashMap<>();
    private Cursor firstStart;
    private String lastId;
    private int connections;

    SeamClient(SseHub hub, TreeSet<String> topics, Random random, AtomicBoolean publishing) {
      this.hub = hub;
      this.topics = topics;
      this.random = random;
      this.publishing = publishing;
      this.queued = random.nextBoolean();
      topics.forEach(t -> received.put(t, new ArrayList<>()));
    }

    void run() {
      LockSupport.parkNanos(random.nextInt(2_000_000)); // join at a random moment
      while (publishing.get()) {
        int wanted = 1 + random.nextInt(40);
        connectUntil(() -> !publishing.get(), wanted, false);
      }
    }

    /** After publishing stopped: one last resume that must bring the client to the end. */
    void finish(Map<String, List<StoredEvent>> truth) {
      Map<String, Integer> expectedCounts = new HashMap<>();
      Map<String, List<String>> expected = new HashMap<>();
      if (firstStart == null) {
        connectUntil(() -> true, 0, true);
      }
      for (String topic : topics) {
        long start = firstStart.position(topic).getAsLong();
        List<String> data = truth.get(topic).stream()
            .filter(e -> e.position() > start).map(StoredEvent::data).toList();
        expected.put(topic, data);
        expectedCounts.put(topic, data.size());
      }
      int total = expectedCounts.values().stream().mapToInt(Integer::intValue).sum();
      long deadline = System.nanoTime() + timeout().toNanos();
      int remaining;
      while ((remaining = total - received.values().stream().mapToInt(List::size).sum()) > 0
          && System.nanoTime() < deadline) {
        connectUntil(() -> false, remaining, true);
      }
      for (String topic : topics) {
        assertEquals(expected.get(topic), received.get(topic),
            "events of " + topic + " for a client of " + topics + " over " + connections
                + " connections");
      }
    }

    /**
     * Connects, reads until {@code wanted} events arrived or {@code stop} holds, disconnects.
     * With {@code awaitStart} it does not disconnect before the stream's start cursor arrived.
     */
    private void connectUntil(Callable<Boolean> stop, int wanted, boolean awaitStart) {
      RecordingSink sink = queued ? RecordingSink.queued(1024) : new RecordingSink();
      Subscription subscription = hub.subscribe(topics, lastId, sink);
      connections++;
      long deadline = System.nanoTime() + timeout().toNanos();
      try {
        while ((awaitStart && sink.frames().isEmpty() && !sink.ended())
            || (sink.data().size() < wanted && !stop.call() && !sink.ended())) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("no progress for " + timeout() + ": " + sink);
          }
          sink.deliverQueued();
          LockSupport.parkNanos(100_000);
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      } finally {
        subscription.close();
      }
      List<Frame> frames = sink.frames();
      if (frames.isEmpty()) {
        return; // dropped before the start cursor arrived: nothing changed
      }
      assertTrue(frames.get(0).idOnly(), "a stream starts with its cursor");
      if (firstStart == null) {
        firstStart = Cursor.parse(frames.get(0).id()).orElseThrow();
      }
      for (Frame frame : frames) {
        assertFalse("sse-reset".equals(frame.event()), "no reset expected: " + frame);
        if (frame.data() != null) {
          String topic = frame.data().substring(0, frame.data().indexOf('|'));
          received.get(topic).add(frame.data());
        }
      }
      assertNotNull(sink.lastId());
      lastId = sink.lastId();
    }
  }

  private SseHub open() {
    return open(newHistory());
  }

  private SseHub open(EventHistory history) {
    SseHub hub = SseHub.builder().history(history).fanout(newFanout()).build();
    hubs.add(hub);
    return hub;
  }

  private <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS)
        .join();
  }

  private void awaitUntil(Callable<Boolean> condition) {
    Awaitility.await().atMost(timeout()).pollInterval(Duration.ofMillis(5)).until(condition);
  }
}
