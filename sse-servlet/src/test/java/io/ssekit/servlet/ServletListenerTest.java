package io.ssekit.servlet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.spi.AuthResult;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SsePrincipal;
import io.ssekit.testkit.SseClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the hub and the servlet tell an {@link SseListener}, over real sockets on Jetty: each
 * stream opened is closed once with its reason, the bytes written are the bytes the clients read,
 * each event queued is counted and each live one timed, resumes and refusals carry their result.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServletListenerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final RecordingListener listener = new RecordingListener();
  private TestServer server;
  private SseServlet servlet;
  private HttpClient http;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private SseHub start(SseServlet.Builder builder, MemoryEventHistory history) throws Exception {
    SseHub hub = SseHub.builder().history(history).listener(listener).build();
    resources.add(hub);
    servlet = builder.hub(hub).listener(listener).build();
    server = TestServer.Jetty.start(servlet);
    resources.add(server);
    http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    return hub;
  }

  private SseHub start(SseServlet.Builder builder) throws Exception {
    return start(builder, MemoryEventHistory.builder().build());
  }

  private SseClient connect(String query, Map<String, String> headers) {
    SseClient client = SseClient.open(http, server.uri("/events" + query), headers);
    resources.add(client);
    return client;
  }

  private static String publish(SseHub hub, String topic, String data) {
    return hub.publish(topic, null, data).toCompletableFuture().join();
  }

  @Test
  void aStreamsLifeIsReportedAndTheBytesWrittenAreTheBytesItsClientRead() throws Exception {
    SseHub hub = start(SseServlet.builder());
    SseClient client = connect("?topic=t", Map.of());
    client.awaitText("id: ", WAIT);
    assertEquals(1, listener.sources.size());
    assertEquals(1, listener.sources.get(0).openStreams());

    for (int i = 0; i < 20; i++) {
      publish(hub, "t", "event " + i);
    }
    publish(hub, "nobody-listens", "x");
    client.awaitEvents(20, WAIT);

    assertEquals(21, listener.count("published.ok"));
    assertEquals(20, listener.count("published.ok.t"), "publishes carry their topic");
    assertEquals(1, listener.count("published.ok.nobody-listens"));
    assertEquals(20, listener.count("delivered"));
    assertEquals(20, listener.count("delivered.t"), "deliveries carry their topic");
    await().atMost(WAIT).until(() -> !listener.lags.isEmpty()
        && listener.count("bytes") == client.text().getBytes(StandardCharsets.UTF_8).length);
    // One lag per write that carried events: writes carry one event or several.
    long writes = listener.count("writes");
    assertTrue(writes >= 2 && writes <= 21, listener.toString());
    assertTrue(listener.lags.size() >= 1 && listener.lags.size() <= 20
        && listener.lags.size() < writes, listener.lags.toString());
    assertTrue(listener.lags.stream().allMatch(lag -> lag >= 0), listener.lags.toString());
    assertEquals(1, listener.count("opened.ok"));

    client.close();
    await().atMost(WAIT).until(() -> listener.count("closed.client-gone") == 1);
    assertEquals(0, listener.sources.get(0).openStreams());
    assertEquals(0, listener.sources.get(0).queuedBytes());
  }

  @Test
  void theLagIsSampledOnAStreamsFirstWriteOfLiveEventsAndEveryFourthAfter() throws Exception {
    SseHub hub = start(SseServlet.builder());
    SseClient client = connect("?topic=t", Map.of());
    client.awaitText("id: ", WAIT);

    for (int i = 1; i <= 9; i++) {
      publish(hub, "t", "event " + i);
      client.awaitEvents(i, WAIT); // so that each event is a write of its own
    }

    await().atMost(WAIT).until(() -> listener.count("delivered") == 9 && listener.count("bytes")
        == client.text().getBytes(StandardCharsets.UTF_8).length);
    assertEquals(3, listener.lags.size(), "writes 1, 5 and 9 of live events: " + listener);
  }

  @Test
  void resumesAreReportedWithTheirResultAndTheEventsReplayed() throws Exception {
    SseHub hub = start(SseServlet.builder(), MemoryEventHistory.builder().maxEventsPerTopic(4).build());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(publish(hub, "t", "event " + i));
    }
    SseClient exact = connect("?topic=t", Map.of("Last-Event-ID", ids.get(3)));
    exact.awaitEvents(2, WAIT);
    SseClient gap = connect("?topic=t", Map.of("Last-Event-ID", ids.get(0)));
    gap.awaitEvents(5, WAIT); // sse-reset and the four events the history kept
    SseClient malformed = connect("?topic=t", Map.of("Last-Event-ID", "not an id of ours"));
    malformed.awaitEvent("sse-reset", WAIT);
    SseClient fresh = connect("?topic=t", Map.of());
    fresh.awaitText("id: ", WAIT);

    assertEquals(1, listener.count("resumed.exact"));
    assertEquals(1, listener.count("resumed.gap"));
    assertEquals(1, listener.count("resumed.malformed-id"));
    assertEquals(List.of(2, 4, 0), listener.replayed);
    assertEquals(2 + 4, listener.count("delivered"));
    assertEquals(0, listener.lags.size(), "replayed events have no delivery lag");
  }

  @Test
  void refusalsAreReportedWithTheirResultAndStatus() throws Exception {
    Authenticator byHeader = request -> CompletableFuture.completedFuture(
        switch (request.header("X-Who").orElse("")) {
          case "reader" -> AuthResult.granted(new SsePrincipal() {
            @Override
            public String name() {
              return "reader";
            }

            @Override
            public boolean maySubscribe(String topic) {
              return topic.equals("open");
            }

            @Override
            public boolean mayPublish(String topic) {
              return false;
            }
          });
          default -> AuthResult.unauthenticated("Bearer", "who are you?");
        });
    start(SseServlet.builder().authenticator(byHeader).maxConnections(1));

    assertEquals(401, get("?topic=open", "").statusCode());
    assertEquals(403, get("?topic=closed", "reader").statusCode());
    assertEquals(400, get("?topic=%20", "reader").statusCode());
    SseClient first = connect("?topic=open", Map.of("X-Who", "reader"));
    first.awaitText("id: ", WAIT);
    assertEquals(200, get("?topic=open", "reader").statusCode()); // a short sse-busy stream

    assertEquals(1, listener.count("opened.ok"));
    assertEquals(1, listener.count("opened.busy"));
    assertEquals(1, listener.count("opened.unauthorized"));
    assertEquals(1, listener.count("opened.forbidden"));
    assertEquals(1, listener.count("opened.invalid"));
    assertEquals(1, listener.count("authRefused.401"));
    assertEquals(1, listener.count("authRefused.403"));
  }

  private HttpResponse<String> get(String query, String who) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/events" + query));
    if (!who.isEmpty()) {
      request.header("X-Who", who);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void streamsEndedByShutdownAreReportedSoAndLaterRequestsRefused() throws Exception {
    start(SseServlet.builder());
    SseClient one = connect("?topic=a", Map.of());
    SseClient two = connect("?topic=b", Map.of());
    one.awaitText("id: ", WAIT);
    two.awaitText("id: ", WAIT);

    servlet.shutdown();

    assertEquals(2, listener.count("closed.shutdown"));
    assertEquals(200, http.send(HttpRequest.newBuilder(server.uri("/events")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(1, listener.count("opened.shutdown"));
  }

  @Test
  void aClientThatStoppedReadingIsReportedAsFallenBehind() throws Exception {
    SseHub hub = start(SseServlet.builder().maxQueuedBytes(128 * 1024));
    SseClient stalled = connect("?topic=big", Map.of());
    stalled.awaitText("id: ", WAIT);
    stalled.pauseReading();

    String payload = "x".repeat(16 * 1024);
    for (int i = 0; i < 2000 && listener.count("closed.fell-behind") == 0; i++) {
      publish(hub, "big", payload);
    }
    await().atMost(WAIT).until(() -> listener.count("closed.fell-behind") == 1);
    assertEquals(0, listener.sources.get(0).openStreams());
  }

  @Test
  void aListenerThatThrowsChangesNothingForTheStreams() throws Exception {
    SseListener throwing = new SseListener() {
      @Override
      public void delivered() {
        throw new IllegalStateException("listener failure");
      }

      @Override
      public void written(int bytes) {
        throw new IllegalStateException("listener failure");
      }

      @Override
      public void sent(long lagNanos) {
        throw new IllegalStateException("listener failure");
      }

      @Override
      public void streamOpened(OpenResult result) {
        throw new IllegalStateException("listener failure");
      }
    };
    SseHub hub = SseHub.builder().history(MemoryEventHistory.builder().build())
        .listener(throwing).build();
    resources.add(hub);
    servlet = SseServlet.builder().hub(hub).listener(throwing).build();
    server = TestServer.Jetty.start(servlet);
    resources.add(server);
    http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    SseClient client = connect("?topic=t", Map.of());
    client.awaitText("id: ", WAIT);

    for (int i = 0; i < 5; i++) {
      publish(hub, "t", "event " + i);
    }

    assertEquals(5, client.awaitEvents(5, WAIT).size());
  }
}
