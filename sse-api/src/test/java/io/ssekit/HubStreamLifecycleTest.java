package io.ssekit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.HubCatchUpTest.CutFanout;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a stream ends and how the hub's own steps run: the sink hears of an end once and never
 * after the application closed the stream; catching up never lets one stream stop the others;
 * the hub's retries run on its own threads; a history outage is logged once, not per stream.
 */
@Timeout(60)
class HubStreamLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ExecutorService testThreads = Executors.newFixedThreadPool(2);
  private SseHub hub;

  @AfterEach
  void close() {
    testThreads.shutdownNow();
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void closingAStreamNeverWaitsForTheFanoutAndItsSinkIsNeverEndedAfterwards() throws Exception {
    UnsubscribeHeld fanout = new UnsubscribeHeld();
    hub = SseHub.builder().history(new ListHistory()).fanout(fanout).build();
    AtomicBoolean closedByApplication = new AtomicBoolean();
    AtomicBoolean endedAfterClose = new AtomicBoolean();
    DecodingSink full = new DecodingSink();
    AtomicInteger offers = new AtomicInteger();
    StreamSink sink = new StreamSink() {
      @Override
      public boolean offer(byte[] head, byte[] body) {
        // Takes the start cursor, refuses the next offer, as a full queue would.
        return offers.getAndIncrement() == 0 && full.offer(head, body);
      }

      @Override
      public void end() {
        endedAfterClose.compareAndSet(false, closedByApplication.get());
        full.end();
      }
    };
    Subscription stream = hub.subscribe(List.of("t"), null, sink);
    await().atMost(WAIT).until(() -> full.lastId() != null);

    // The refused offer ends the stream on the hub's side; releasing its topic waits in the
    // fanout while the application closes the stream.
    testThreads.execute(() -> hub.publish("t", "refused"));
    assertTrue(fanout.unsubscribing.await(10, TimeUnit.SECONDS), "the topic is released");
    Future<?> closing = testThreads.submit(() -> {
      stream.close();
      closedByApplication.set(true);
    });
    closing.get(5, TimeUnit.SECONDS); // the fanout still holds its unsubscribe
    fanout.release.countDown();

    await().atMost(WAIT).until(full::ended);
    // An end that came late would come within this while.
    await("no end() after the application's close()").during(Duration.ofMillis(100)).atMost(WAIT)
        .until(() -> !endedAfterClose.get());
  }

  @Test
  void aFreshStreamGetsAnEventAppendedBeforeItsStartWasReadButDeliveredAfter() {
    StartsDuringPublish fanout = new StartsDuringPublish();
    hub = SseHub.builder().history(new ListHistory()).fanout(fanout).build();
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("t"), null, sink);

    // The history has the event, and the stream reads its start, before the fanout delivers it.
    hub.publish("t", "1").toCompletableFuture().join();

    await().atMost(WAIT).until(() -> sink.data().equals(List.of("1")));
    assertEquals(Cursor.parse(sink.frames().get(0).id()).orElseThrow().position("t").getAsLong(),
        0, "the stream starts before the event it was published after");
  }

  @Test
  void aStreamWhoseCatchUpFailsNeitherKeepsOthersFromCatchingUpNorThrowsIntoTheFanout() {
    CutFanout fanout = new CutFanout();
    // Breaks the history's contract for catch-up reads of topic "a": no stage at all.
    EventHistory broken = new Delegating(new ListHistory()) {
      @Override
      public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
        return after != null && topics.contains("a") ? null : super.replay(after, topics);
      }
    };
    hub = SseHub.builder().history(broken).fanout(fanout).build();
    DecodingSink onA = new DecodingSink();
    DecodingSink onB = new DecodingSink();
    hub.subscribe(List.of("a"), null, onA);
    hub.subscribe(List.of("b"), null, onB);
    await().atMost(WAIT).until(() -> onA.lastId() != null && onB.lastId() != null);

    fanout.cut();
    hub.publish("a", "a1").toCompletableFuture().join();
    hub.publish("b", "b1").toCompletableFuture().join();
    assertDoesNotThrow(() -> fanout.reconnect(Set.of("a", "b")));

    await().atMost(WAIT).until(() -> onB.data().equals(List.of("b1")));
    hub.publish("b", "b2").toCompletableFuture().join();
    await().atMost(WAIT).until(() -> onB.data().equals(List.of("b1", "b2")));
  }

  @Test
  void catchUpRetriesRunOnTheHubsOwnThreadsInTheApplicationsClassLoader() throws Exception {
    CutFanout fanout = new CutFanout();
    AtomicInteger catchUpReads = new AtomicInteger();
    AtomicReference<Thread> retriedOn = new AtomicReference<>();
    EventHistory flaky = new Delegating(new ListHistory()) {
      @Override
      public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
        if (after == null) {
          return super.replay(after, topics);
        }
        if (catchUpReads.incrementAndGet() == 1) {
          return CompletableFuture.failedFuture(new IllegalStateException("briefly unreachable"));
        }
        retriedOn.compareAndSet(null, Thread.currentThread());
        return super.replay(after, topics);
      }
    };
    ClassLoader application = new URLClassLoader(new URL[0], getClass().getClassLoader());
    Thread building = Thread.currentThread();
    ClassLoader before = building.getContextClassLoader();
    building.setContextClassLoader(application);
    try {
      hub = SseHub.builder().history(flaky).fanout(fanout).build();
    } finally {
      building.setContextClassLoader(before);
    }
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("t"), null, sink);
    await().atMost(WAIT).until(() -> sink.lastId() != null);
    fanout.cut();
    hub.publish("t", "missed").toCompletableFuture().join();
    fanout.reconnect(Set.of("t"));

    await().atMost(WAIT).until(() -> sink.data().equals(List.of("missed")));
    Thread thread = retriedOn.get();
    assertNotNull(thread);
    assertTrue(thread.getName().startsWith("ssekit-hub-"), "retried on " + thread.getName());
    assertSame(application, thread.getContextClassLoader());
  }

  @Test
  void aHistoryOutageIsLoggedOnceWhenItStartsAndOnceWhenItEndsWithTheStreamsItEnded() {
    AtomicBoolean down = new AtomicBoolean(true);
    EventHistory outage = new Delegating(new ListHistory()) {
      @Override
      public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
        return down.get()
            ? CompletableFuture.failedFuture(new IllegalStateException("connection refused"))
            : super.replay(after, topics);
      }
    };
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger(SseHub.class.getName());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.INFO.intValue()) {
          records.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(capture);
    try {
      hub = SseHub.builder().history(outage).build();
      List<DecodingSink> sinks = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 20; i++) {
        DecodingSink sink = new DecodingSink();
        sinks.add(sink);
        hub.subscribe(List.of("t"), null, sink);
      }
      await().atMost(WAIT).until(() -> sinks.stream().allMatch(DecodingSink::ended));
      down.set(false);
      DecodingSink after = new DecodingSink();
      hub.subscribe(List.of("t"), null, after);
      await().atMost(WAIT).until(() -> after.lastId() != null);
      await().atMost(WAIT).until(() -> records.size() >= 2);

      List<LogRecord> warnings =
          records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
      List<LogRecord> infos = records.stream().filter(r -> r.getLevel() == Level.INFO).toList();
      assertEquals(1, warnings.size(), "one warning for the outage: " + messages(records));
      assertTrue(message(warnings.get(0)).contains("connection refused"), message(warnings.get(0)));
      assertEquals(1, infos.size(), "one line when it ends: " + messages(records));
      assertTrue(message(infos.get(0)).contains("20 streams ended"), message(infos.get(0)));
    } finally {
      logger.removeHandler(capture);
    }
  }

  @Test
  void anEventOfAnEpochTheHistoryDoesNotAnswerRestartsAStreamOnceNotForever() {
    CutFanout fanout = new CutFanout();
    AtomicInteger replays = new AtomicInteger();
    EventHistory counted = new Delegating(new ListHistory()) {
      @Override
      public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
        replays.incrementAndGet();
        return super.replay(after, topics);
      }
    };
    hub = SseHub.builder().history(counted).fanout(fanout).build();
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("t"), null, sink);
    await().atMost(WAIT).until(() -> sink.lastId() != null);

    // As from another instance's own history behind a shared fanout, or from before a restore.
    fanout.deliverLate(new StoredEvent("foreign", "t", 7, null, "from elsewhere"));
    fanout.deliverLate(new StoredEvent("foreign", "t", 8, null, "again"));
    hub.publish("t", "after").toCompletableFuture().join();

    await().atMost(WAIT).until(() -> sink.data().contains("after"));
    assertEquals(List.of("after"), sink.data(), "events of the foreign epoch are dropped");
    assertEquals(2, replays.get(), "the start and one restart");
    assertFalse(sink.ended());
  }

  @Test
  void aStreamClosedWhileItRegistersLeavesNothingBehind() throws Exception {
    hub = SseHub.builder().history(new ListHistory()).build();
    List<String> topics = List.of("r/0", "r/1", "r/2", "r/3", "r/4", "r/5", "r/6", "r/7");
    for (int i = 0; i < 3000; i++) {
      StreamSink closedAtOnce = new StreamSink() {
        @Override
        public void onSubscribe(Subscription subscription) {
          testThreads.execute(subscription::close); // races with the registration
        }

        @Override
        public boolean offer(byte[] head, byte[] body) {
          return true;
        }

        @Override
        public void end() {}
      };
      hub.subscribe(topics, null, closedAtOnce);
    }
    await().atMost(WAIT).until(() -> hub.streamCount() == 0 && hub.topicCount() == 0);
  }

  @Test
  void aStreamClosedFromInsideItsSinkStaysClosed() {
    hub = SseHub.builder().history(new ListHistory()).build();
    List<String> offered = new CopyOnWriteArrayList<>();
    AtomicReference<Subscription> self = new AtomicReference<>();
    AtomicBoolean endedAfterClose = new AtomicBoolean();
    StreamSink closesItself = new StreamSink() {
      @Override
      public void onSubscribe(Subscription subscription) {
        self.set(subscription);
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public boolean offer(byte[] head, byte[] body) {
        offered.add(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        self.get().close(); // the application closes the stream while it is being written
        return true;
      }

      @Override
      public void end() {
        endedAfterClose.set(true);
      }
    };
    Subscription stream = hub.subscribe(List.of("t"), null, closesItself);
    await().atMost(WAIT).until(() -> !offered.isEmpty());
    hub.publish("t", "one").toCompletableFuture().join();
    hub.publish("t", "two").toCompletableFuture().join();

    assertFalse(stream.isOpen(), "closed is final");
    assertEquals(1, offered.size(), "nothing is written after the close: " + offered);
    assertFalse(endedAfterClose.get());
  }

  private static List<String> messages(List<LogRecord> records) {
    return records.stream().map(HubStreamLifecycleTest::message).toList();
  }

  private static String message(LogRecord record) {
    Object[] parameters = record.getParameters();
    return parameters == null ? record.getMessage()
        : java.text.MessageFormat.format(record.getMessage(), parameters);
  }

  /** The local fanout, whose unsubscribe waits until the test releases it. */
  private static final class UnsubscribeHeld extends LocalFanoutForwarder {
    final CountDownLatch unsubscribing = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
      unsubscribing.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.unsubscribe(topic);
    }
  }

  /**
   * The local fanout, whose subscribe completes only with the first publish, after the history
   * appended that event: the stream then reads where it starts, and the publish takes a moment
   * before it delivers, time enough for the hub to take that answer.
   */
  private static final class StartsDuringPublish extends LocalFanoutForwarder {
    private final CompletableFuture<Void> firstPublish = new CompletableFuture<>();

    @Override
    public CompletionStage<Void> subscribe(String topic) {
      return firstPublish.thenCompose(appended -> super.subscribe(topic));
    }

    @Override
    public CompletionStage<Void> publish(StoredEvent event) {
      firstPublish.complete(null);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      return super.publish(event);
    }
  }

  /** A history that hands everything to another; tests override what they break. */
  private static class Delegating implements EventHistory {
    private final EventHistory delegate;

    Delegating(EventHistory delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletionStage<StoredEvent> append(String topic, String name, String data) {
      return delegate.append(topic, name, data);
    }

    @Override
    public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
      return delegate.replay(after, topics);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
