package io.ssekit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ssekit.DecodingSink.Frame;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fanout that was cut off says which topics it may have missed; the hub's open streams get
 * what they missed from the history, in order and once, or {@code sse-reset} for what the
 * history no longer holds, and stay open.
 */
class HubCatchUpTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  /** Delivers in process, except while cut off. */
  static final class CutFanout extends LocalFanoutForwarder {
    private volatile boolean cut;

    @Override
    public CompletionStage<Void> publish(StoredEvent event) {
      return cut ? CompletableFuture.completedFuture(null) : super.publish(event);
    }

    void cut() {
      cut = true;
    }

    /** Hands the hub an event as if it came over the transport late. */
    void deliverLate(StoredEvent event) {
      listener.onEvent(event);
    }

    void reconnect(Set<String> topics) {
      cut = false;
      listener.onMissed(topics);
    }
  }

  /**
   * A history whose replays can be held back, as a slow store's would be (a held replay answers
   * from the history it was asked of); that can lose everything at once, as a Redis restarted
   * without persistence; and whose next replay answer can be set, as a store that went back to
   * older data would answer.
   */
  static final class HeldHistory implements EventHistory {
    private final int keepPerTopic;
    private final AtomicInteger replaysAsked = new AtomicInteger();
    private volatile ListHistory current;
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private volatile Replay nextAnswer;

    /** A history that keeps every event. */
    HeldHistory() {
      this(Integer.MAX_VALUE);
    }

    HeldHistory(int keepPerTopic) {
      this.keepPerTopic = keepPerTopic;
      this.current = new ListHistory(keepPerTopic);
    }

    void lose() {
      current = new ListHistory(keepPerTopic);
    }

    /** The next replay answers {@code answer}. */
    void answerNextReplay(Replay answer) {
      nextAnswer = answer;
    }

    void hold() {
      gate = new CompletableFuture<>();
    }

    void release() {
      gate.complete(null);
    }

    int replaysAsked() {
      return replaysAsked.get();
    }

    @Override
    public CompletionStage<StoredEvent> append(String topic, String name, String data) {
      return current.append(topic, name, data);
    }

    @Override
    public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
      replaysAsked.incrementAndGet();
      Replay answer = nextAnswer;
      nextAnswer = null;
      if (answer != null) {
        return CompletableFuture.completedFuture(answer);
      }
      ListHistory asked = current;
      return gate.thenCompose(open -> asked.replay(after, topics));
    }

    @Override
    public void close() {
      current.close();
    }
  }

  SseHub hub;

  @AfterEach
  void close() {
    hub.close();
  }

  SseHub open(int keepPerTopic, CutFanout fanout) {
    hub = SseHub.builder().history(new ListHistory(keepPerTopic)).fanout(fanout).build();
    return hub;
  }

  static void publish(SseHub hub, String topic, String data) {
    hub.publish(topic, data).toCompletableFuture().join();
  }

  @Test
  void anOpenStreamGetsWhatTheFanoutMissedThenLiveEventsOnce() {
    CutFanout fanout = new CutFanout();
    SseHub hub = open(100, fanout);
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("a", "b"), null, sink);
    publish(hub, "a", "a1");
    await().atMost(WAIT).until(() -> sink.data().equals(List.of("a1")));

    fanout.cut();
    publish(hub, "a", "a2");
    publish(hub, "b", "b1");
    publish(hub, "a", "a3");
    fanout.reconnect(Set.of("a", "b"));
    publish(hub, "a", "a4");

    await().atMost(WAIT).until(() -> sink.data().size() >= 5);
    List<String> got = sink.data();
    assertEquals(List.of("a1", "a2", "a3", "a4"), got.stream().filter(d -> d.startsWith("a")).toList());
    assertEquals(List.of("b1"), got.stream().filter(d -> d.startsWith("b")).toList());
    assertEquals(5, got.size(), "each once: " + got);
    assertFalse(sink.ended(), "the stream stays open");
  }

  @Test
  void afterTheHistoryLostEverythingAnOpenStreamIsResetInPlaceAndGoesOn() {
    CutFanout fanout = new CutFanout();
    HeldHistory history = new HeldHistory();
    hub = SseHub.builder().history(history).fanout(fanout).build();
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("a", "b"), null, sink);
    publish(hub, "a", "old");
    await().atMost(WAIT).until(() -> sink.data().equals(List.of("old")));

    fanout.cut();
    history.lose();
    publish(hub, "b", "new1");
    fanout.reconnect(Set.of("a", "b"));
    publish(hub, "a", "new2");

    await().atMost(WAIT).until(() -> sink.data().contains("new2"));
    Frame reset = sink.frames().stream().filter(f -> "sse-reset".equals(f.event()))
        .findFirst().orElseThrow();
    assertEquals("{\"reason\":\"unknown-epoch\",\"topics\":[\"a\",\"b\"]}", reset.data());
    // Per topic in order; the new history replays its topics one after another.
    List<String> events = sink.data().stream().filter(d -> !d.startsWith("{")).toList();
    assertEquals("old", events.get(0));
    assertEquals(Set.of("new1", "new2"), Set.copyOf(events.subList(1, events.size())));
    assertEquals(3, events.size(), "each once: " + events);
    String lastId = sink.lastId();
    String oldEpoch = Cursor.parse(sink.events().get(0).id()).orElseThrow().epoch();
    assertFalse(lastId.startsWith(oldEpoch), "ids carry the new epoch: " + lastId);

    // A late event of the lost history is dropped: no second start, nothing written for it.
    int before = sink.frames().size();
    fanout.deliverLate(new StoredEvent(oldEpoch, "a", 1_000_000, null, "late"));
    publish(hub, "b", "new3");
    await().atMost(WAIT).until(() -> sink.data().contains("new3"));
    assertEquals(List.of("new3"), sink.frames().subList(before, sink.frames().size()).stream()
        .map(Frame::data).toList());
    assertEquals(1, sink.frames().stream().filter(f -> "sse-reset".equals(f.event())).count());
    assertFalse(sink.ended(), "the stream stays open");
  }

  @Test
  void anEventOfANewHistoryAmongThoseWaitingBehindASlowClientRestartsTheStreamInPlace() {
    // Events of about a quarter of the queue, so many of them and of such sizes that the one of
    // the new history comes last in a piece: the restart's id and sse-reset still find room.
    for (int count = 7; count <= 9; count++) {
      for (int pad = 940; pad <= 1000; pad++) {
        restartInsideABacklog(count, pad);
      }
    }
  }

  private void restartInsideABacklog(int count, int pad) {
    CutFanout fanout = new CutFanout();
    HeldHistory history = new HeldHistory();
    hub = SseHub.builder().history(history).fanout(fanout).build();
    QueuedClient slow = new QueuedClient(4 * 1024);
    DecodingSink sink = slow.client();
    history.hold();
    hub.subscribe(List.of("a"), null, slow);
    // The stream's start is read from the history as it was, before it loses everything.
    await().atMost(WAIT).until(() -> history.replaysAsked() > 0);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add("old " + i + " " + "x".repeat(pad));
      publish(hub, "a", expected.get(i));
    }
    history.lose();
    publish(hub, "a", "new 1");
    expected.add("new 1");
    history.release();

    // The old events waited for the replay: they go out a piece at a time as the client reads;
    // the one of the new history behind them restarts the stream, which goes on there.
    await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> {
      slow.read();
      return sink.data().contains("new 1") || sink.ended();
    });
    publish(hub, "a", "new 2");
    expected.add("new 2");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> {
      slow.read();
      return sink.data().contains("new 2") || sink.ended();
    });

    assertFalse(sink.ended(), count + " events of " + pad + " bytes");
    assertEquals(expected, sink.data());
    List<Frame> resets = sink.frames().stream().filter(f -> "sse-reset".equals(f.event())).toList();
    assertEquals(1, resets.size(), sink.frames().toString());
    assertEquals("{\"reason\":\"unknown-epoch\",\"topics\":[\"a\"]}", resets.get(0).data());
    hub.close();
  }

  @Test
  void aSinkWithOneByteOfCreditGetsALongReplayOneEventPerRead() throws Exception {
    hub = SseHub.builder().history(new ListHistory()).build();
    DecodingSink first = new DecodingSink();
    Subscription before = hub.subscribe(List.of("t"), null, first);
    await().atMost(WAIT).until(() -> first.lastId() != null);
    before.close();
    for (int i = 0; i < 20_000; i++) {
      publish(hub, "t", Integer.toString(i));
    }
    DecodingSink inner = new DecodingSink();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      StreamSink stingy = new StreamSink() {
        private volatile Subscription subscription;

        @Override
        public void onSubscribe(Subscription value) {
          subscription = value;
          value.request(1);
        }

        @Override
        public boolean offer(byte[] head, byte[] body) {
          // Each offer takes the stream below its one byte of credit; once the client has read
          // it, as much is granted again.
          int size = (head == null ? 0 : head.length) + body.length;
          reader.execute(() -> subscription.request(size));
          return inner.offer(head, body);
        }

        @Override
        public void end() {
          inner.end();
        }
      };
      hub.subscribe(List.of("t"), first.lastId(), stingy);

      await().atMost(WAIT).until(() -> inner.data().size() == 20_000 || inner.ended());
      assertFalse(inner.ended());
      assertEquals("19999", inner.data().get(19_999));
    } finally {
      reader.shutdown();
    }
  }

  @Test
  void whatTheHistoryNoLongerHoldsIsAnsweredWithSseResetOnTheOpenStream() {
    CutFanout fanout = new CutFanout();
    SseHub hub = open(2, fanout);
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("t"), null, sink);
    publish(hub, "t", "e1");
    await().atMost(WAIT).until(() -> sink.data().equals(List.of("e1")));

    fanout.cut();
    for (int i = 2; i <= 6; i++) {
      publish(hub, "t", "e" + i);
    }
    fanout.reconnect(Set.of("t"));

    await().atMost(WAIT).until(() -> sink.data().size() >= 3);
    List<Frame> frames = sink.frames();
    Frame reset = frames.stream().filter(f -> "sse-reset".equals(f.event())).findFirst().orElseThrow();
    assertEquals("{\"reason\":\"gap\",\"topics\":[\"t\"]}", reset.data());
    assertEquals(List.of("e1", "e5", "e6"), sink.data().stream()
        .filter(d -> d.startsWith("e")).toList());
    publish(hub, "t", "e7");
    await().atMost(WAIT).until(() -> sink.data().contains("e7"));
    assertFalse(sink.ended());
  }

  @Test
  void aTopicMissedWhileAnotherCatchesUpGetsItsGapFilledBeforeItsLiveEvents() {
    CutFanout fanout = new CutFanout();
    HeldHistory history = new HeldHistory(100);
    hub = SseHub.builder().history(history).fanout(fanout).build();
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("a", "b"), null, sink);
    publish(hub, "a", "a1");
    publish(hub, "b", "b1");
    await().atMost(WAIT).until(() -> sink.data().size() == 2);

    fanout.cut();
    publish(hub, "a", "a2");
    publish(hub, "b", "b2");
    history.hold();
    fanout.reconnect(Set.of("a")); // a's catch-up read waits on the history
    fanout.reconnect(Set.of("b")); // told while a still catches up
    publish(hub, "b", "b3"); // live, after b's gap
    history.release();

    await().atMost(WAIT).until(() -> sink.data().size() >= 5);
    List<String> got = sink.data();
    assertEquals(List.of("a1", "a2"), got.stream().filter(d -> d.startsWith("a")).toList());
    assertEquals(List.of("b1", "b2", "b3"), got.stream().filter(d -> d.startsWith("b")).toList(),
        "b's gap is filled before its live event: " + got);
    assertFalse(sink.ended(), "the stream stays open");
  }

  @Test
  void afterAGapTheStreamGoesOnFromWhereTheHistorySaysEvenBelowWhereItWas() {
    CutFanout fanout = new CutFanout();
    HeldHistory history = new HeldHistory(100);
    hub = SseHub.builder().history(history).fanout(fanout).build();
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("t"), null, sink);
    publish(hub, "t", "e1");
    publish(hub, "t", "e2");
    await().atMost(WAIT).until(() -> sink.data().size() == 2);
    Cursor atE1 = Cursor.parse(sink.events().get(0).id()).orElseThrow();

    // The store went back to e1 (restored from older data) and will reuse e2's position.
    history.answerNextReplay(new Replay(atE1, List.of(), Set.of("t")));
    fanout.cut();
    fanout.reconnect(Set.of("t"));
    await().atMost(WAIT).until(() -> sink.frames().stream()
        .anyMatch(f -> "sse-reset".equals(f.event())));
    long reused = atE1.position("t").getAsLong() + 1;
    fanout.deliverLate(new StoredEvent(atE1.epoch(), "t", reused, null, "after the restore"));

    await().atMost(WAIT).until(() -> sink.data().contains("after the restore"));
    assertFalse(sink.ended(), "the stream stays open");
  }

  @Test
  void aGapOnOneTopicDoesNotLoseTheFirstLiveEventOfANewOne() {
    CutFanout fanout = new CutFanout();
    HeldHistory history = new HeldHistory(2);
    hub = SseHub.builder().history(history).fanout(fanout).build();
    DecodingSink before = new DecodingSink();
    hub.subscribe(List.of("a"), null, before);
    publish(hub, "a", "a1");
    await().atMost(WAIT).until(() -> before.data().size() == 1);
    String idAfterA1 = before.lastId();
    for (int i = 2; i <= 5; i++) {
      publish(hub, "a", "a" + i); // a2 and a3 are trimmed: resuming after a1 is a gap
    }

    history.hold(); // the replay is read late ...
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("a", "b"), idAfterA1, sink);
    publish(hub, "b", "b1"); // ... after b1, published once subscribe returned
    history.release();

    await().atMost(WAIT).until(() -> sink.data().contains("b1"));
    assertEquals(List.of("a4", "a5", "b1"), sink.data().stream()
        .filter(d -> !d.startsWith("{")).toList());
    Frame reset = sink.frames().stream().filter(f -> "sse-reset".equals(f.event()))
        .findFirst().orElseThrow();
    assertEquals("{\"reason\":\"gap\",\"topics\":[\"a\"]}", reset.data());
  }

  @Test
  void aHistoryAnswerTheStreamCannotUseEndsItInsteadOfLeavingItWaiting() {
    HeldHistory history = new HeldHistory(100);
    hub = SseHub.builder().history(history).fanout(new CutFanout()).build();
    String epoch = history.replay(null, Set.of("t")).toCompletableFuture().join().start().epoch();
    // A start cursor without the requested topic: nothing the stream could resume from.
    history.answerNextReplay(new Replay(Cursor.of(epoch, Map.of("other", 1L)),
        List.of(), Set.of()));
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("t"), null, sink);

    await().atMost(WAIT).until(sink::ended);
  }
}
