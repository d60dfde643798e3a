package io.ssekit.servlet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import io.ssekit.testkit.EventStreamParser.Event;
import io.ssekit.testkit.SseClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Admission under a reconnect storm, over real sockets on Jetty: a burst of stream requests over
 * the connect rate gets short {@code sse-busy} streams whose hints are spread out (or {@code 503}
 * with spread {@code Retry-After}), while the admitted streams work; a stream whose replay waits
 * for the hub's replay budget gets keep-alives meanwhile, then everything it missed and the live
 * events that waited, in order and once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReconnectStormTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final RecordingListener listener = new RecordingListener();
  private HttpClient http;
  private TestServer server;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private SseHub start(SseHub.Builder hubBuilder, SseServlet.Builder builder) throws Exception {
    SseHub hub = hubBuilder.build();
    resources.add(hub);
    server = TestServer.Jetty.start(builder.hub(hub).listener(listener).build());
    resources.add(server);
    http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    return hub;
  }

  private SseClient connect(Map<String, String> headers) {
    SseClient client = SseClient.open(http, server.uri("/events?topic=t"), headers);
    resources.add(client);
    return client;
  }

  private static String publish(SseHub hub, String data) {
    return hub.publish("t", null, data).toCompletableFuture().join();
  }

  @Test
  void aConnectBurstOverTheRateGetsSseBusyWithSpreadHintsAndAdmittedStreamsWork()
      throws Exception {
    SseHub hub = start(SseHub.builder().history(MemoryEventHistory.builder().build()),
        SseServlet.builder().maxConnectsPerSecond(1).retry(Duration.ofSeconds(1)));
    List<SseClient> admitted = new ArrayList<>();
    List<Long> hints = new ArrayList<>();
    // Twenty requests need 19 s at this rate; they come within a fraction of that.
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      SseClient client = connect(Map.of());
      assertEquals(200, client.status());
      client.awaitState(c -> c.ended() || c.text().contains("id: "), WAIT, client::toString);
      if (client.ended()) {
        Event busy = client.awaitEvent("sse-busy", WAIT);
        assertEquals("{\"retry\":" + client.retry() + "}", busy.data());
        assertTrue(client.retry() >= 1000, "at least the usual hint: " + client.retry());
        hints.add(client.retry());
      } else {
        admitted.add(client);
      }
    }
    long burstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertFalse(admitted.isEmpty(), "the first request is admitted");
    assertTrue(hints.size() >= 10, "most of the burst is over the rate: " + hints);
    assertTrue(hints.stream().distinct().count() >= hints.size() / 2,
        "the hints are spread, not equal: " + hints);
    // The last refusal comes back after the usual hint (1 s and more) plus its place in the
    // excess: a second per refusal before it, less the time the burst took to come in.
    long widest = hints.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertTrue(widest >= (hints.size() - 1) * 1000L - burstMillis,
        "the window grows with the excess (a second per request over the rate): " + hints
            + " in " + burstMillis + " ms");
    assertEquals(hints.size(), listener.count("opened.rate-limited"));
    assertEquals(admitted.size(), listener.count("opened.ok"));

    publish(hub, "after the burst");
    for (SseClient client : admitted) {
      assertEquals("after the burst", client.awaitEvents(1, WAIT).get(0).data());
    }
  }

  @Test
  void underThe503PolicyRequestsOverTheRateGetSpreadRetryAfter() throws Exception {
    start(SseHub.builder().history(MemoryEventHistory.builder().build()),
        SseServlet.builder().maxConnectsPerSecond(1)
            .overloadPolicy(OverloadPolicy.SERVICE_UNAVAILABLE));
    connect(Map.of()).awaitText("id: ", WAIT);
    List<Long> retryAfter = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.uri("/events"))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      if (refused.statusCode() == 200) {
        continue; // a token came back between two requests of a slow machine
      }
      assertEquals(503, refused.statusCode());
      assertTrue(refused.body().contains(
          "\"type\":\"https://ssekit.io/problems/rate-limited\""), refused.body());
      retryAfter.add(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow()));
    }
    assertTrue(retryAfter.size() >= 4, retryAfter.toString());
    assertTrue(retryAfter.stream().distinct().count() >= 3, "spread: " + retryAfter);
    assertTrue(retryAfter.stream().allMatch(s -> s >= 3), "at least the usual hint: " + retryAfter);
  }

  @Test
  void aStreamWaitingForItsReplayGetsKeepAlivesThenEverythingInOrderOnce() throws Exception {
    HeldReplays history = new HeldReplays();
    SseHub hub = start(SseHub.builder().history(history).replayConcurrency(1),
        SseServlet.builder().keepAlive(Duration.ofMillis(50)));
    String first = publish(hub, "e1");
    publish(hub, "e2");
    publish(hub, "e3");
    history.hold();
    SseClient reading = connect(Map.of("Last-Event-ID", first));
    await().atMost(WAIT).until(() -> history.asked.get() == 1);
    SseClient waiting = connect(Map.of("Last-Event-ID", first));
    publish(hub, "e4");

    // Both streams are open: the greeting, then keep-alives while their replays wait.
    waiting.awaitState(c -> c.comments() >= 3, WAIT, waiting::toString);
    assertFalse(waiting.text().contains("id: "), "no start cursor before its replay");
    assertEquals(1, history.asked.get(), "the second replay waits for the first");

    history.release();
    publish(hub, "e5");
    for (SseClient client : List.of(reading, waiting)) {
      List<String> data = client.awaitEvents(4, WAIT).stream().map(Event::data).toList();
      assertEquals(List.of("e2", "e3", "e4", "e5"), data);
    }
    assertEquals(2, history.asked.get());
    assertFalse(waiting.ended());
  }

  /** A memory history whose replays can be held, as a slow store's would be. */
  private static final class HeldReplays implements EventHistory {
    private final MemoryEventHistory memory = MemoryEventHistory.builder().build();
    private final AtomicInteger asked = new AtomicInteger();
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    void hold() {
      gate = new CompletableFuture<>();
    }

    void release() {
      gate.complete(null);
    }

    @Override
    public CompletionStage<StoredEvent> append(String topic, String name, String data) {
      return memory.append(topic, name, data);
    }

    @Override
    public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
      asked.incrementAndGet();
      return gate.thenCompose(open -> memory.replay(after, topics));
    }

    @Override
    public void close() {
      memory.close();
    }
  }
}
