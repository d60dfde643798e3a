package io.ssekit.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The source against a bare-socket server, on a fake clock: statuses, waits, framing, demand. */
@Timeout(60)
class EventSourceTest {
  private static final Duration AWAIT = Duration.ofSeconds(20);

  private final FakeScheduler clock = new FakeScheduler();
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : closeLater) {
      closeable.close();
    }
  }

  private RawServer server(RawServer.Answer answer) throws Exception {
    RawServer server = new RawServer(answer);
    closeLater.add(server);
    return server;
  }

  private EventSource.Builder source(RawServer server) {
    return EventSource.builder(server.uri()).scheduler(clock).httpVersion(HttpClient.Version.HTTP_1_1);
  }

  private EventSource started(EventSource.Builder builder, RecordingListener listener) {
    EventSource source = builder.build();
    closeLater.add(0, source);
    source.start(listener);
    return source;
  }

  private static void write(OutputStream out, String text) throws Exception {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The delay of the one reconnection the source waits for, once it waits for it. */
  private Duration awaitReconnectDelay(Duration readTimeout) {
    await().atMost(AWAIT).until(() -> clock.pendingDelays().stream()
        .anyMatch(delay -> !delay.equals(readTimeout)));
    return clock.pendingDelays().stream().filter(delay -> !delay.equals(readTimeout))
        .findFirst().orElseThrow();
  }

  @Test
  void stopsOn204() throws Exception {
    RawServer server = server((i, request, out) -> RawServer.status(out, 204));
    RecordingListener listener = new RecordingListener();
    EventSource source = started(source(server), listener);
    assertTrue(listener.closed.await(20, TimeUnit.SECONDS));
    assertEquals(List.of("closed"), listener.log);
    assertEquals(EventSource.ReadyState.CLOSED, source.readyState());
    assertEquals(List.of(), clock.pendingDelays(), "no timer is left");
    assertEquals(1, server.requests().size());
  }

  @Test
  void waitsRetryAfterOn503() throws Exception {
    RawServer server = server((i, request, out) -> {
      if (i == 0) {
        RawServer.status(out, 503, "Retry-After: 2");
      } else {
        RawServer.streamHead(out);
        write(out, "data: back\n\n");
        RawServer.holdOpen();
      }
    });
    RecordingListener listener = new RecordingListener();
    started(source(server).readTimeout(Duration.ofMinutes(5)), listener);
    assertEquals(Duration.ofSeconds(2), awaitReconnectDelay(Duration.ofMinutes(5)));
    assertTrue(listener.errors.get(0).willReconnect());
    assertEquals(503, listener.errors.get(0).status().getAsInt());
    clock.advance(Duration.ofMillis(1999));
    assertEquals(1, server.requests().size(), "not before the 2 s are up");
    clock.advance(Duration.ofMillis(1));
    await().atMost(AWAIT).until(() -> listener.events.size() == 1);
    assertEquals("back", listener.events.get(0).data());
  }

  @Test
  void stopsOn401UnlessThePredicateSaysOtherwise() throws Exception {
    RawServer server = server((i, request, out) -> RawServer.status(out, 401,
        "WWW-Authenticate: Bearer"));
    RecordingListener listener = new RecordingListener();
    started(source(server), listener);
    assertTrue(listener.closed.await(20, TimeUnit.SECONDS));
    EventSourceException error = listener.errors.get(0);
    assertEquals("GET " + server.uri() + " answered 401; the source stops (reconnectOn)",
        error.getMessage());
    assertFalse(error.willReconnect());
    assertEquals(1, server.requests().size());

    RawServer second = server((i, request, out) -> {
      if (i == 0) {
        RawServer.status(out, 401);
      } else {
        RawServer.streamHead(out);
        write(out, "data: let in\n\n");
        RawServer.holdOpen();
      }
    });
    RecordingListener retrying = new RecordingListener();
    started(source(second).reconnectOn(status -> status == 401), retrying);
    awaitReconnectDelay(Duration.ofSeconds(45));
    clock.advance(Duration.ofSeconds(1));
    await().atMost(AWAIT).until(() -> retrying.events.size() == 1);
    assertTrue(retrying.errors.get(0).willReconnect());
  }

  @Test
  void backsOffExponentiallyWithFullJitterFromTheServersRetry() throws Exception {
    AtomicInteger answered = new AtomicInteger();
    RawServer server = server((i, request, out) -> {
      answered.incrementAndGet();
      if (i == 0) {
        RawServer.streamHead(out); // sets the base, then ends
        write(out, "retry: 300\n\n");
      } else {
        RawServer.status(out, 500);
      }
    });
    RecordingListener listener = new RecordingListener();
    Duration readTimeout = Duration.ofMinutes(5);
    started(source(server).readTimeout(readTimeout).backoff(Duration.ofSeconds(1),
        Duration.ofSeconds(2)).random(() -> 0.9999999), listener);
    List<Duration> waits = new ArrayList<>();
    for (int attempt = 1; attempt <= 5; attempt++) {
      Duration wait = awaitReconnectDelay(readTimeout);
      waits.add(wait);
      int before = answered.get();
      clock.advance(wait);
      await().atMost(AWAIT).until(() -> answered.get() > before);
    }
    // base 300 ms from the server: 300, 600, 1200, then the 2 s maximum
    assertEquals(List.of(Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofMillis(1200),
        Duration.ofMillis(2000), Duration.ofMillis(2000)), waits);
    await().atMost(AWAIT).until(() -> refusals(listener) == 5);
    assertTrue(listener.errors.stream().allMatch(EventSourceException::willReconnect));
  }

  private static long refusals(RecordingListener listener) {
    return listener.errors.stream().filter(error -> error.status().isPresent()).count();
  }

  @Test
  void theWaitIsRandomBetweenZeroAndTheCeiling() {
    Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.0);
    Backoff half = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.5);
    assertEquals(Duration.ZERO, low.delay(3, null));
    assertEquals(Duration.ofMillis(2000), half.delay(3, null));
    assertEquals(30_000, half.ceiling(40, null));
    assertEquals(60_000, half.ceiling(1, Duration.ofSeconds(60)),
        "a server's retry above the maximum is the ceiling");
  }

  @Test
  void theBackoffStartsAgainAfterAConnectionStayedUp() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RawServer server = server((i, request, out) -> {
      if (i < 3) {
        RawServer.status(out, 500);
      } else {
        RawServer.streamHead(out);
        write(out, "data: up\n\n");
        release.await();
      }
    });
    Duration readTimeout = Duration.ofMinutes(5);
    RecordingListener listener = new RecordingListener();
    started(source(server).readTimeout(readTimeout).random(() -> 0.9999999), listener);
    for (int i = 0; i < 3; i++) {
      Duration wait = awaitReconnectDelay(readTimeout);
      clock.advance(wait);
    }
    await().atMost(AWAIT).until(() -> listener.events.size() == 1);
    clock.advance(Duration.ofSeconds(60));
    release.countDown();
    assertEquals(Duration.ofSeconds(1), awaitReconnectDelay(readTimeout),
        "after 60 s up, the first wait's ceiling is the initial 1 s again");
  }

  @Test
  void givesUpAfterMaxAttempts() throws Exception {
    RawServer server = server((i, request, out) -> RawServer.status(out, 500));
    RecordingListener listener = new RecordingListener();
    Duration readTimeout = Duration.ofMinutes(5);
    started(source(server).readTimeout(readTimeout).maxAttempts(2), listener);
    clock.advance(awaitReconnectDelay(readTimeout).plusMillis(1));
    await().atMost(AWAIT).until(() -> server.requests().size() == 2);
    clock.advance(awaitReconnectDelay(readTimeout).plusMillis(1));
    assertTrue(listener.closed.await(20, TimeUnit.SECONDS));
    EventSourceException last = listener.errors.get(listener.errors.size() - 1);
    assertEquals("GET " + server.uri() + ": gave up after 2 reconnection attempts in a row that"
        + " opened no stream (maxAttempts)", last.getMessage());
    assertFalse(last.willReconnect());
    assertEquals(3, server.requests().size());
  }

  @Test
  void givesUpAfterMaxReconnectTime() throws Exception {
    RawServer server = server((i, request, out) -> RawServer.status(out, 503,
        "Retry-After: 20"));
    RecordingListener listener = new RecordingListener();
    started(source(server).maxReconnectTime(Duration.ofSeconds(30)), listener);
    await().atMost(AWAIT).until(() -> clock.pendingDelays().contains(Duration.ofSeconds(20)));
    clock.advance(Duration.ofSeconds(20));
    assertTrue(listener.closed.await(20, TimeUnit.SECONDS), "20 s more would pass the 30 s");
    assertTrue(listener.errors.get(listener.errors.size() - 1).getMessage()
        .endsWith("gave up: no stream opened within PT30S (maxReconnectTime)"));
  }

  @Test
  void aSilentConnectionIsDroppedAfterTheReadTimeout() throws Exception {
    RawServer server = server((i, request, out) -> {
      RawServer.streamHead(out);
      write(out, ": hello\n\n");
      RawServer.holdOpen();
    });
    RecordingListener listener = new RecordingListener();
    started(source(server).readTimeout(Duration.ofSeconds(5)), listener);
    await().atMost(AWAIT).until(() -> listener.comments.contains("hello"));
    clock.advance(Duration.ofMillis(4999));
    assertEquals(List.of(), listener.errors);
    clock.advance(Duration.ofMillis(1));
    await().atMost(AWAIT).until(() -> listener.errors.size() == 1);
    assertEquals("GET " + server.uri() + " failed: no bytes for PT5S (readTimeout); reconnecting",
        listener.errors.get(0).getMessage());
    assertTrue(awaitReconnectDelay(Duration.ofSeconds(5)).compareTo(Duration.ofSeconds(1)) <= 0,
        "then it waits to reconnect, at most the initial 1 s");
  }

  @Test
  void asksForHeadersOnEveryConnectionAndResumesWithTheLastEventId() throws Exception {
    RawServer server = server((i, request, out) -> {
      RawServer.streamHead(out);
      write(out, "id: " + (i + 1) + "\ndata: e" + (i + 1) + "\n\nid: " + (i + 2) + "\ndata: cut");
    });
    AtomicInteger tokens = new AtomicInteger();
    RecordingListener listener = new RecordingListener();
    Duration readTimeout = Duration.ofMinutes(5);
    started(source(server).lastEventId("0").readTimeout(readTimeout)
        .header("X-Static", "s")
        .headers(() -> Map.of("Authorization", "Bearer t" + tokens.incrementAndGet())), listener);
    clock.advance(awaitReconnectDelay(readTimeout));
    await().atMost(AWAIT).until(() -> server.requests().size() == 2);
    RawServer.Request first = server.requests().get(0);
    RawServer.Request second = server.requests().get(1);
    assertEquals("0", first.header("Last-Event-ID"));
    assertEquals("Bearer t1", first.header("Authorization"));
    assertEquals("1", second.header("Last-Event-ID"), "the cut event's id is not taken");
    assertEquals("Bearer t2", second.header("Authorization"));
    assertEquals("s", second.header("X-Static"));
    assertEquals("text/event-stream", second.header("Accept"));
  }

  @Test
  void comesBackAfterTheHintOfSseBusy() throws Exception {
    assertComesBackAfterTheHintOf("event: sse-busy\nretry: 12873\ndata: {\"retry\":12873}\n\n",
        Duration.ofMillis(12873));
  }

  @Test
  void comesBackAfterTheLongHintOfAStreamSupersededByACap() throws Exception {
    assertComesBackAfterTheHintOf("retry: 71234\nevent: sse-superseded\n"
        + "data: {\"cap\":\"principal\",\"limit\":3,\"retry\":71234}\n\n",
        Duration.ofMillis(71234));
  }

  @Test
  void comesBackAfterTheHintOfAStreamRefusedByACap() throws Exception {
    assertComesBackAfterTheHintOf("retry: 64012\nevent: sse-limit\n"
        + "data: {\"cap\":\"address\",\"limit\":20,\"retry\":64012}\n\n",
        Duration.ofMillis(64012));
  }

  private void assertComesBackAfterTheHintOf(String frame, Duration hint) throws Exception {
    RawServer server = server((i, request, out) -> {
      RawServer.streamHead(out);
      write(out, frame);
    });
    RecordingListener listener = new RecordingListener();
    started(source(server).readTimeout(Duration.ofMinutes(5)), listener);
    assertEquals(hint, awaitReconnectDelay(Duration.ofMinutes(5)));
    assertEquals(List.of(), listener.events, "ssekit's own events are not delivered");
  }

  @Test
  void readsAwkwardFraming() throws Exception {
    String big = "x".repeat(1 << 20);
    RawServer server = server((i, request, out) -> {
      if (i > 0) {
        RawServer.holdOpen();
      }
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] body = ("\uFEFFid: 1\revent: grüße\rdata: 🎉 one\r\r: note\r\ndata: " + big
          + "\n\nid: 2\ndata: never dispatched").getBytes(StandardCharsets.UTF_8);
      int bytewise = 200;
      for (int at = 0; at < body.length; ) {
        int size = at < bytewise ? 1 : Math.min(64 * 1024, body.length - at);
        out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, at, size);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        at += size;
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    });
    RecordingListener listener = new RecordingListener();
    EventSource source = started(source(server).readTimeout(Duration.ofMinutes(5)), listener);
    await().atMost(AWAIT).until(() -> listener.events.size() == 2 && clock.pendingDelays().size() > 0);
    assertEquals(new MessageEvent("grüße", "🎉 one", "1"), listener.events.get(0));
    assertEquals(new MessageEvent("message", big, "1"), listener.events.get(1));
    assertEquals(List.of("note"), listener.comments);
    assertEquals("1", source.lastEventId(), "the unfinished event's id is not taken");
  }

  @Test
  void aSlowSubscriberSlowsTheRead() throws Exception {
    AtomicLong written = new AtomicLong();
    byte[] event = ("data: " + "y".repeat(1000) + "\n\n").getBytes(StandardCharsets.US_ASCII);
    int total = 50_000; // 50 MB if nothing held it back
    RawServer server = server((i, request, out) -> {
      RawServer.streamHead(out);
      for (int n = 0; n < total; n++) {
        out.write(event);
        written.addAndGet(event.length);
      }
      out.flush();
      RawServer.holdOpen();
    });
    EventSource source = source(server).readTimeout(Duration.ofMinutes(5)).build();
    closeLater.add(0, source);
    List<MessageEvent> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    Flow.Subscription[] subscription = new Flow.Subscription[1];
    CountDownLatch subscribed = new CountDownLatch(1);
    source.subscribe(new Flow.Subscriber<MessageEvent>() {
      @Override
      public void onSubscribe(Flow.Subscription value) {
        subscription[0] = value;
        subscribed.countDown();
        value.request(1);
      }

      @Override
      public void onNext(MessageEvent item) {
        received.add(item);
      }

      @Override
      public void onError(Throwable throwable) {}

      @Override
      public void onComplete() {}
    });
    assertTrue(subscribed.await(10, TimeUnit.SECONDS));
    await().atMost(AWAIT).until(() -> received.size() == 1);
    // The server can write only what the socket buffers and one read of the client hold.
    long stalled = awaitStable(written);
    assertEquals(1, received.size(), "no event beyond the demand");
    assertTrue(stalled < 16L * 1024 * 1024, "the server wrote " + stalled + " bytes");
    subscription[0].request(total);
    await().atMost(AWAIT).until(() -> received.size() == total);
    assertEquals((long) total * event.length, written.get());
  }

  private static long awaitStable(AtomicLong value) throws InterruptedException {
    long last = -1;
    for (int still = 0; still < 5; ) {
      long now = value.get();
      still = now == last ? still + 1 : 0;
      last = now;
      TimeUnit.MILLISECONDS.sleep(100); // a poll: the value must stop growing
    }
    return last;
  }

  @Test
  void theIteratorBlocksForEventsAndEndsOnClose() throws Exception {
    RawServer server = server((i, request, out) -> {
      RawServer.streamHead(out);
      for (int n = 0; n < 200; n++) {
        write(out, "data: " + n + "\n\n");
      }
      RawServer.holdOpen();
    });
    EventSource source = source(server).readTimeout(Duration.ofMinutes(5)).build();
    closeLater.add(0, source);
    EventIterator events = source.iterator();
    for (int n = 0; n < 200; n++) {
      assertTrue(events.hasNext());
      assertEquals(String.valueOf(n), events.next().data());
    }
    assertTrue(events.poll(Duration.ofMillis(50)).isEmpty());
    events.close();
    assertFalse(events.hasNext());
    assertEquals(EventSource.ReadyState.CLOSED, source.readyState());
    assertThrows(IllegalStateException.class, source::iterator);
  }

  @Test
  void theBuilderNamesWhatIsWrong() {
    EventSource.Builder builder = EventSource.builder(java.net.URI.create("http://127.0.0.1/"));
    assertEquals("readTimeout must be positive, was PT0S", assertThrows(
        IllegalArgumentException.class, () -> builder.readTimeout(Duration.ZERO)).getMessage());
    assertEquals("maxAttempts must be at least 1, was 0", assertThrows(
        IllegalArgumentException.class, () -> builder.maxAttempts(0)).getMessage());
    assertEquals("uri must be http or https, was ftp://x/", assertThrows(
        IllegalArgumentException.class,
        () -> EventSource.builder(java.net.URI.create("ftp://x/"))).getMessage());
    builder.httpClient(HttpClient.newHttpClient()).connectTimeout(Duration.ofSeconds(1));
    assertEquals("httpClient(...) excludes connectTimeout: set it on the HttpClient itself",
        assertThrows(IllegalStateException.class, builder::build).getMessage());
  }
}
