package io.ssekit.servlet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.spi.AuthResult;
import io.ssekit.spi.SsePrincipal;
import io.ssekit.testkit.SseClient;
import io.ssekit.testkit.EventStreamParser.Event;
import jakarta.servlet.http.HttpServlet;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour of {@link SseServlet} over real sockets, written once and run on every container
 * and protocol by the subclasses. Each group of tests checks the sections of {@code
 * docs/protocol.md} (or of the README) that its heading names.
 */
abstract class ServletConformanceTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources = new ArrayList<>();
  TestServer server;
  SseServlet servlet;
  HttpClient http;

  /** Starts the container under test with {@code servlet} at {@code /events}. */
  abstract TestServer startServer(HttpServlet servlet) throws Exception;

  /** The protocol clients speak. */
  abstract HttpClient.Version protocol();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  /** Starts the container with {@code builder}'s servlet, on a history of 1000 events per topic. */
  SseHub start(SseServlet.Builder builder) throws Exception {
    return start(builder, MemoryEventHistory.builder().build());
  }

  SseHub start(SseServlet.Builder builder, MemoryEventHistory history) throws Exception {
    SseHub hub = SseHub.builder().history(history).build();
    resources.add(hub);
    servlet = builder.hub(hub).build();
    server = startServer(servlet);
    resources.add(server);
    http = HttpClient.newBuilder().version(protocol()).connectTimeout(WAIT).build();
    return hub;
  }

  SseClient connect(String query) {
    return connect(query, Map.of());
  }

  SseClient connect(String query, Map<String, String> headers) {
    SseClient client = SseClient.open(http, server.uri("/events" + query), headers);
    resources.add(client);
    return client;
  }

  static String publish(SseHub hub, String topic, String name, String data) {
    return hub.publish(topic, name, data).toCompletableFuture().join();
  }

  // --- docs/protocol.md: "Opening a stream", "Events on the wire" ---

  @Test
  void aStreamAnswers200WithEventStreamHeadersAndOpensAtOnce() throws Exception {
    start(SseServlet.builder());
    SseClient client = connect("");

    assertEquals(200, client.status());
    assertEquals(protocol(), client.version());
    String type = client.headers().firstValue("content-type").orElseThrow();
    assertTrue(type.startsWith("text/event-stream"), type);
    assertEquals("no-cache", client.headers().firstValue("cache-control").orElseThrow());
    assertEquals("no", client.headers().firstValue("x-accel-buffering").orElseThrow());
    if (protocol() == HttpClient.Version.HTTP_2) {
      assertTrue(client.headers().firstValue("connection").isEmpty());
    }
    // The greeting and the cursor line arrive before any event is published.
    client.awaitText("\n\nid: ", WAIT);
    assertTrue(client.text().startsWith(": ok\n\nid: "), client.text());
    assertTrue(client.events().isEmpty());
    assertFalse(client.lastEventId().isEmpty(), "the id line sets the last event id");
  }

  @Test
  void anEventPublishedAsSoonAsTheClientSeesTheStreamOpenReachesIt() throws Exception {
    // The servlet reads the principal's expiry again as it opens the stream; this principal
    // answers that second read only once the event below is published, or after a second.
    // Whenever the container writes the response's first bytes, the stream is registered with
    // the hub by then: an event published once the client sees it open is never behind its
    // start.
    CountDownLatch published = new CountDownLatch(1);
    AtomicInteger expiryReads = new AtomicInteger();
    SsePrincipal slowToOpen = new SsePrincipal() {
      @Override
      public String name() {
        return "slow-to-open";
      }

      @Override
      public boolean maySubscribe(String topic) {
        return true;
      }

      @Override
      public boolean mayPublish(String topic) {
        return true;
      }

      @Override
      public Optional<Instant> expiresAt() {
        if (expiryReads.incrementAndGet() == 2) {
          try {
            published.await(1, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return Optional.empty();
      }
    };
    SseHub hub = start(SseServlet.builder().authenticator(
        request -> CompletableFuture.completedFuture(AuthResult.granted(slowToOpen))));

    SseClient client = connect("?topic=first");
    publish(hub, "first", null, "right away");
    published.countDown();

    assertEquals(List.of("right away"), data(client.awaitEvents(1, WAIT)));
    assertEquals(2, expiryReads.get());
  }

  @Test
  void dataWithAnyLineBreaksEmptyDataAndUnicodeArriveExactly() throws Exception {
    SseHub hub = start(SseServlet.builder());
    SseClient client = connect("");
    client.awaitText("id: ", WAIT);

    publish(hub, "default", "lines", "one\r\ntwo\rthree\nfour");
    publish(hub, "default", null, "");
    publish(hub, "default", "text", "grüße, 世界 🎉");
    publish(hub, "default", null, "a");

    List<Event> events = client.awaitEvents(4, WAIT);
    assertEquals(List.of("lines", "message", "text", "message"),
        events.stream().map(Event::type).toList());
    assertEquals(List.of("one\ntwo\nthree\nfour", "", "grüße, 世界 🎉", "a"), data(events));
    assertTrue(client.text().contains("\ndata:\n\n"), client.text());
    assertTrue(client.text().contains("event: lines\ndata: one\ndata: two\ndata: three\ndata: four\n\n"),
        client.text());
  }

  @Test
  void retryHintIsSentOnceAtConnect() throws Exception {
    start(SseServlet.builder().retry(Duration.ofMillis(2500)));
    SseClient client = connect("");
    client.awaitText("id: ", WAIT);
    assertEquals(2500L, client.retry());
    assertTrue(client.text().startsWith(": ok\n\nretry: 2500\n\nid: "), client.text());
  }

  // --- docs/protocol.md: "The cursor", "Resuming", "Replay and the seam", "sse-reset" ---

  @Test
  void aClientResumingWithLastEventIdGetsWhatItMissedThenLiveEvents() throws Exception {
    SseHub hub = start(SseServlet.builder());
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      ids.add(publish(hub, "news", null, "n" + i));
    }
    SseClient header = connect("?topic=news", Map.of("Last-Event-ID", ids.get(1)));
    SseClient query = connect("?topic=news&lastEventId=" + ids.get(3));
    header.awaitEvents(3, WAIT);
    query.awaitEvents(1, WAIT);
    publish(hub, "news", null, "n6");

    assertEquals(List.of("n3", "n4", "n5", "n6"), data(header.awaitEvents(4, WAIT)));
    assertEquals(List.of("n5", "n6"), data(query.awaitEvents(2, WAIT)));
    assertEquals(ids.get(4), header.events().get(2).lastEventId());
  }

  @Test
  void aClientThatMissedMoreThanItsQueueHoldsGetsAllOfItThenLiveEvents() throws Exception {
    SseHub hub = start(SseServlet.builder().maxQueuedBytes(64 * 1024));
    String before = publish(hub, "big", null, "seen");
    String payload = "y".repeat(4 * 1024);
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 200; i++) { // 800 KB: twelve times the queue
      expected.add(i + " " + payload);
      publish(hub, "big", null, expected.get(i - 1));
    }
    SseClient client = connect("?topic=big", Map.of("Last-Event-ID", before));
    client.awaitEvents(1, WAIT);
    publish(hub, "big", null, "live");
    expected.add("live");

    assertEquals(expected, data(client.awaitEvents(201, WAIT)));
    assertFalse(client.ended());
  }

  @Test
  void noEventIsLostOrDuplicatedAtTheSeamWhileEventsArePublished() throws Exception {
    SseHub hub = start(SseServlet.builder());
    int total = 400;
    CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
      for (int i = 1; i <= total; i++) {
        publish(hub, "seam", null, Integer.toString(i));
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
      }
    });
    // A client that keeps dropping and resuming while the publisher runs.
    List<Integer> received = new ArrayList<>();
    String lastId = null;
    while (received.isEmpty() || received.get(received.size() - 1) < total) {
      // A new connection each time, as a browser's EventSource makes after a drop.
      HttpClient fresh = HttpClient.newBuilder().version(protocol()).build();
      SseClient client = SseClient.open(fresh, server.uri("/events?topic=seam"),
          lastId == null ? Map.of() : Map.of("Last-Event-ID", lastId));
      resources.add(client);
      client.awaitState(c -> c.events().size() >= 15 || !c.events().isEmpty()
          && c.events().get(c.events().size() - 1).data().equals(Integer.toString(total)),
          WAIT, () -> "stalled after " + received.size() + " events");
      client.close();
      List<Event> events = client.events();
      events.forEach(event -> received.add(Integer.parseInt(event.data())));
      lastId = events.get(events.size() - 1).lastEventId();
    }
    publisher.join();
    List<Integer> expected = new ArrayList<>();
    for (int i = received.get(0); i <= total; i++) {
      expected.add(i);
    }
    assertEquals(expected, received, "gap-free and duplicate-free from the first event received");
  }

  @Test
  void oneStreamOfSeveralTopicsResumesAllOfThemFromOneId() throws Exception {
    SseHub hub = start(SseServlet.builder());
    SseClient first = connect("?topic=a&topic=b");
    first.awaitText("id: ", WAIT);
    publish(hub, "a", null, "a1");
    publish(hub, "b", null, "b1");
    publish(hub, "c", null, "c1");
    first.awaitEvents(2, WAIT);
    String resumeFrom = first.lastEventId();
    first.close();
    publish(hub, "b", null, "b2");
    publish(hub, "a", null, "a2");

    SseClient second = connect("?topic=b&topic=a", Map.of("Last-Event-ID", resumeFrom));
    assertEquals(List.of("a1", "b1"), data(first.events()));
    // Order is kept per topic; each topic here has one event to resume.
    assertEquals(Set.of("b2", "a2"), Set.copyOf(data(second.awaitEvents(2, WAIT))));
    assertTrue(second.events().get(1).lastEventId().contains("a="), second.events().toString());
    assertTrue(second.events().get(1).lastEventId().contains("b="), second.events().toString());
  }

  @Test
  void garbageForeignAndStaleIdsAreAnsweredWithSseResetNeverWithAnError() throws Exception {
    SseHub hub = start(SseServlet.builder(),
        MemoryEventHistory.builder().maxEventsPerTopic(3).build());
    String firstId = publish(hub, "t", null, "e1");
    for (int i = 2; i <= 6; i++) {
      publish(hub, "t", null, "e" + i);
    }

    SseClient garbage = connect("?topic=t", Map.of("Last-Event-ID", "not a cursor;;=="));
    SseClient foreign = connect("?topic=t", Map.of("Last-Event-ID", "otherepoch;t=4"));
    SseClient stale = connect("?topic=t", Map.of("Last-Event-ID", firstId));

    assertEquals(200, garbage.status());
    assertEquals(new Event("sse-reset", "{\"reason\":\"malformed-id\",\"topics\":[\"t\"]}", ""),
        withoutId(garbage.awaitEvent("sse-reset", WAIT)));
    assertEquals("{\"reason\":\"unknown-epoch\",\"topics\":[\"t\"]}",
        foreign.awaitEvent("sse-reset", WAIT).data());
    assertEquals("{\"reason\":\"gap\",\"topics\":[\"t\"]}", stale.awaitEvent("sse-reset", WAIT).data());
    // After the notice, what the history still holds.
    assertEquals(List.of("sse-reset", "e4", "e5", "e6"), typesAndData(stale.awaitEvents(4, WAIT)));
    publish(hub, "t", null, "e7");
    assertEquals("e7", garbage.awaitEvents(2, WAIT).get(1).data());
  }

  // --- docs/protocol.md: "A client that falls behind"; README: "What a stream request gets" ---

  @Test
  void aStalledReaderDoesNotDelayOthersAndIsDropped() throws Exception {
    SseHub hub = start(SseServlet.builder().maxQueuedBytes(128 * 1024));
    HttpClient stalledHttp = HttpClient.newBuilder().version(protocol()).build();
    SseClient stalled = SseClient.open(stalledHttp, server.uri("/events?topic=big"));
    resources.add(stalled);
    stalled.awaitText("id: ", WAIT);
    stalled.pauseReading();
    SseClient healthy = connect("?topic=big");
    healthy.awaitText("id: ", WAIT);

    String payload = "x".repeat(16 * 1024);
    int count = 800; // 12.8 MB: far beyond socket buffers and the 128 KB queue
    for (int i = 1; i <= count; i++) {
      publish(hub, "big", null, payload);
      if (i % 4 == 0) {
        // At the pace of the healthy reader; the stalled one reads nothing.
        healthy.awaitEvents(i, WAIT);
      }
    }
    await().atMost(WAIT).until(() -> servlet.connectionCount() == 1);
    assertEquals(1, hub.streamCount("big"));
    assertFalse(healthy.ended());
    assertTrue(stalled.events().size() < count, "the stalled reader was cut off");
  }

  @Test
  void tenThousandConnectDisconnectCyclesLeaveNothingBehind() throws Exception {
    SseHub hub = start(SseServlet.builder().keepAlive(Duration.ofMillis(50)));
    warmUpAndCycle(200);
    long heapBefore = usedHeapAfterGc();

    warmUpAndCycle(10_000);

    await().atMost(WAIT).until(() -> servlet.connectionCount() == 0);
    assertEquals(0, hub.streamCount());
    assertEquals(0, hub.topicCount());
    await().atMost(WAIT).until(() -> threadsNamed("sse-client").isEmpty());
    assertEquals(1, threadsNamed("ssekit-keepalive-").size(), "one keep-alive timer");
    int writers = threadsNamed("ssekit-writer-").size();
    assertTrue(writers <= Runtime.getRuntime().availableProcessors(),
        "at most one writer thread per core, found " + writers);
    int hubThreads = threadsNamed("ssekit-hub-").size();
    assertTrue(hubThreads <= 2, "the hub's own threads, found " + hubThreads);
    assertEquals(1 + writers + hubThreads, threadsNamed("ssekit-").size(), "no other ssekit thread");
    long grown = usedHeapAfterGc() - heapBefore;
    assertTrue(grown < 16 * 1024 * 1024, "heap grew by " + grown + " bytes");
  }

  private void warmUpAndCycle(int cycles) {
    for (int i = 0; i < cycles; i++) {
      try (SseClient client = SseClient.open(http, server.uri("/events?topic=cycle-" + (i % 50)))) {
        client.awaitText("id: ", WAIT);
      }
    }
  }

  // --- docs/protocol.md: "The connection cap and the 503 policy", "Errors before the stream" ---

  @Test
  void beyondTheCapAClientGetsSseBusyWithARetryHintAndTheStreamEnds() throws Exception {
    // A short keep-alive notices the client that leaves below.
    start(SseServlet.builder().maxConnections(2)
        .keepAlive(Duration.ofMillis(100)).retry(Duration.ofSeconds(2)));
    SseClient one = connect("");
    connect("").awaitText("id: ", WAIT);
    one.awaitText("id: ", WAIT);

    SseClient third = connect("");
    assertEquals(200, third.status());
    Event busy = third.awaitEvent("sse-busy", WAIT);
    third.awaitEnd(WAIT);
    // Load is 1: the hint is 2 s × 5, plus up to half again of jitter.
    assertTrue(third.retry() >= 10_000 && third.retry() <= 15_000, "retry " + third.retry());
    assertEquals("{\"retry\":" + third.retry() + "}", busy.data());
    assertEquals("", third.lastEventId(), "a busy answer does not move the client's cursor");

    one.close();
    await().atMost(WAIT).until(() -> servlet.connectionCount() == 1);
    connect("").awaitText("id: ", WAIT);
  }

  @Test
  void the503PolicyAnswersServiceUnavailableWithRetryAfter() throws Exception {
    start(SseServlet.builder().maxConnections(1).overloadPolicy(OverloadPolicy.SERVICE_UNAVAILABLE));
    connect("").awaitText("id: ", WAIT);

    HttpResponse<String> refused = get("/events", Map.of());
    assertEquals(503, refused.statusCode());
    assertTrue(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow()) >= 1);
    assertEquals("application/problem+json",
        refused.headers().firstValue("content-type").orElseThrow().split(";")[0]);
    assertTrue(refused.body().contains("\"status\":503"), refused.body());
  }

  @Test
  void invalidTopicsAndMethodsGetJsonErrors() throws Exception {
    start(SseServlet.builder());
    HttpResponse<String> badTopic = get("/events?topic=" + "%0A", Map.of());
    assertEquals(400, badTopic.statusCode());
    assertTrue(badTopic.body().contains("\"type\":\"https://ssekit.io/problems/invalid-topic\""),
        badTopic.body());

    HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.uri("/events"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals("GET, OPTIONS", post.headers().firstValue("allow").orElseThrow());
    assertFalse(post.body().contains("Exception"), post.body());
    assertEquals(0, servlet.connectionCount());
  }

  // --- docs/protocol.md: "CORS" ---

  @Test
  void corsEchoesAListedOriginWithCredentialsAndVaryOrigin() throws Exception {
    start(SseServlet.builder().corsOrigins(List.of("https://app.example.com")));
    SseClient allowed = connect("", Map.of("Origin", "https://app.example.com"));
    assertEquals("https://app.example.com",
        allowed.headers().firstValue("access-control-allow-origin").orElseThrow());
    assertEquals("true", allowed.headers().firstValue("access-control-allow-credentials")
        .orElseThrow());
    assertTrue(allowed.headers().allValues("vary").contains("Origin"));

    SseClient other = connect("", Map.of("Origin", "https://evil.example.net"));
    assertTrue(other.headers().firstValue("access-control-allow-origin").isEmpty());

    HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(server.uri("/events"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "last-event-id").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(204, preflight.statusCode());
    assertEquals("GET", preflight.headers().firstValue("access-control-allow-methods").orElseThrow());
    assertTrue(preflight.headers().firstValue("access-control-allow-headers").orElseThrow()
        .contains("Last-Event-ID"));

    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.uri("/events"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://evil.example.net")
        .header("Access-Control-Request-Method", "GET").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, refused.statusCode());
  }

  @Test
  void aWildcardOriginNeverAllowsCredentials() throws Exception {
    start(SseServlet.builder().corsOrigins(List.of("*")));
    SseClient client = connect("", Map.of("Origin", "https://any.example.org"));
    assertEquals("*", client.headers().firstValue("access-control-allow-origin").orElseThrow());
    assertTrue(client.headers().firstValue("access-control-allow-credentials").isEmpty());
  }

  // --- docs/protocol.md: "Keep-alive", "The response headers" (no async timeout) ---

  @Test
  void anIdleStreamGetsKeepAliveCommentsAndStaysOpen() throws Exception {
    SseHub hub = start(SseServlet.builder().keepAlive(Duration.ofMillis(200)));
    SseClient client = connect("");
    client.awaitText("id: ", WAIT);
    int greeting = client.comments();
    pause(Duration.ofSeconds(2));

    assertTrue(client.comments() >= greeting + 3, "keep-alives: " + (client.comments() - greeting));
    assertFalse(client.ended(), "an idle stream stays open");
    publish(hub, "default", null, "still here");
    assertEquals("still here", client.awaitEvents(1, WAIT).get(0).data());
  }

  @Test
  void keepAliveIsSkippedWhileDataFlows() throws Exception {
    Duration keepAlive = Duration.ofMillis(400);
    SseHub hub = start(SseServlet.builder().keepAlive(keepAlive));
    SseClient client = connect("");
    client.awaitText("id: ", WAIT);
    int before = client.comments();
    // A gap between two events of half the interval or more (a stall of this busy test
    // machine, not of the stream) may let one keep-alive through; every other gap is 40 ms and
    // a bit, and takes none.
    int slowGaps = 0;
    long last = System.nanoTime();
    for (int i = 0; i < 30; i++) {
      publish(hub, "default", null, "tick " + i);
      int expected = i + 1;
      client.awaitState(c -> c.events().size() >= expected, WAIT, () -> "tick");
      pause(Duration.ofMillis(40));
      long now = System.nanoTime();
      if (now - last >= keepAlive.toNanos() / 2) {
        slowGaps++;
      }
      last = now;
    }
    int keepAlives = client.comments() - before;
    assertTrue(keepAlives <= slowGaps, keepAlives + " keep-alives while events flowed every 40 ms,"
        + " with " + slowGaps + " gaps of " + keepAlive.dividedBy(2).toMillis() + " ms or more");
  }

  @Test
  void aStreamOutlivesTheContainersDefaultAsyncTimeout() throws Exception {
    SseHub hub = start(SseServlet.builder().keepAlive(Duration.ofMinutes(5)));
    SseClient client = connect("");
    client.awaitText("id: ", WAIT);

    // Silent for three times the container's default async timeout (1 s in these tests).
    pause(TestServer.CONTAINER_ASYNC_TIMEOUT.multipliedBy(3));

    assertFalse(client.ended(), "the stream is still open");
    assertEquals(1, servlet.connectionCount());
    publish(hub, "default", null, "after the timeout");
    assertEquals("after the timeout", client.awaitEvents(1, WAIT).get(0).data());
  }

  // --- docs/protocol.md: "Errors before the stream", "Token expiry" ---

  @Test
  void theAuthenticatorDecidesWhoMayOpenWhichTopic() throws Exception {
    SsePrincipal newsOnly = new SsePrincipal() {
      @Override
      public String name() {
        return "reader";
      }

      @Override
      public boolean maySubscribe(String topic) {
        return topic.equals("news");
      }

      @Override
      public boolean mayPublish(String topic) {
        return false;
      }
    };
    start(SseServlet.builder().authenticator(request -> CompletableFuture.supplyAsync(() ->
        request.header("Authorization").isEmpty()
            ? AuthResult.unauthenticated("Bearer", "a token is required")
            : AuthResult.granted(newsOnly))));

    HttpResponse<String> anonymous = get("/events?topic=news", Map.of());
    assertEquals(401, anonymous.statusCode());
    assertEquals("Bearer", anonymous.headers().firstValue("www-authenticate").orElseThrow());
    assertTrue(anonymous.body().contains("a token is required"), anonymous.body());

    HttpResponse<String> forbidden = get("/events?topic=news&topic=secret",
        Map.of("Authorization", "Bearer x"));
    assertEquals(403, forbidden.statusCode());
    assertTrue(forbidden.body().contains("secret"), forbidden.body());

    SseClient granted = connect("?topic=news", Map.of("Authorization", "Bearer x"));
    assertEquals(200, granted.status());
    granted.awaitText("id: ", WAIT);
    await().atMost(WAIT).until(() -> servlet.connectionCount() == 1);
  }

  @Test
  void aStreamIsWarnedBeforeItsCredentialsExpireAndClosedWhenTheyDo() throws Exception {
    Instant expiresAt = Instant.now().plusMillis(2500);
    SsePrincipal expiring = expiringPrincipal(expiresAt);
    SsePrincipal lasting = expiringPrincipal(Instant.now().plus(Duration.ofHours(1)));
    SseHub hub = start(SseServlet.builder().tokenExpiryWarning(Duration.ofMillis(1500))
        .authenticator(request -> CompletableFuture.completedFuture(AuthResult.granted(
            request.header("Authorization").orElse("").endsWith("short") ? expiring : lasting))));
    SseClient client = connect("", Map.of("Authorization", "Bearer short"));
    SseClient other = connect("", Map.of("Authorization", "Bearer long"));
    client.awaitText("id: ", WAIT);
    other.awaitText("id: ", WAIT);
    String before = publish(hub, "default", "news", "before");

    Event warning = client.awaitEvent("sse-token-expiring", WAIT);
    long warnedAt = System.currentTimeMillis();
    String after = publish(hub, "default", "news", "after the warning");
    client.awaitEnd(WAIT);
    long endedAt = System.currentTimeMillis();

    assertTrue(warning.data().startsWith("{\"expiresAt\":\"" + expiresAt + "\",\"expiresIn\":"),
        warning.data());
    long warnedBefore = expiresAt.toEpochMilli() - warnedAt;
    assertTrue(warnedBefore > 500 && warnedBefore <= 1600, "warned " + warnedBefore
        + " ms before expiry, expected about 1500");
    assertTrue(endedAt >= expiresAt.toEpochMilli() - 50, "closed "
        + (expiresAt.toEpochMilli() - endedAt) + " ms before expiry");
    assertEquals(List.of(before, after), client.events().stream()
        .filter(event -> event.type().equals("news")).map(Event::lastEventId).toList(),
        "the stream carries events until it expires");
    assertEquals("sse-token-expired", client.events().get(client.events().size() - 1).type());
    assertTrue(client.retry() != null && client.retry() > 0, "a retry hint before the close");
    await().atMost(WAIT).until(() -> servlet.connectionCount() == 1);
    assertFalse(other.ended(), "a stream with lasting credentials stays open");
    assertTrue(other.events().stream().noneMatch(event -> event.type().startsWith("sse-token")));
  }

  @Test
  void credentialsExpiredAlreadyOpenNoStream() throws Exception {
    start(SseServlet.builder().authenticator(request -> CompletableFuture.completedFuture(
        AuthResult.granted(expiringPrincipal(Instant.now().minusSeconds(5))))));

    HttpResponse<String> refused = get("/events", Map.of());

    assertEquals(401, refused.statusCode());
    assertEquals("Bearer error=\"invalid_token\"",
        refused.headers().firstValue("www-authenticate").orElseThrow());
    assertTrue(refused.body().contains("expired"), refused.body());
    await().atMost(WAIT).until(() -> servlet.connectionCount() == 0);
  }

  private static SsePrincipal expiringPrincipal(Instant expiresAt) {
    return new SsePrincipal() {
      @Override
      public String name() {
        return "reader";
      }

      @Override
      public boolean maySubscribe(String topic) {
        return true;
      }

      @Override
      public boolean mayPublish(String topic) {
        return false;
      }

      @Override
      public Optional<Instant> expiresAt() {
        return Optional.of(expiresAt);
      }
    };
  }

  // --- docs/protocol.md: "Graceful shutdown" ---

  @Test
  void stoppingTheContainerSendsEveryStreamServerShutdownWithAJitteredRetry() throws Exception {
    start(SseServlet.builder().retry(Duration.ofSeconds(1)));
    List<SseClient> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      SseClient client = connect("?topic=t" + i);
      client.awaitText("id: ", WAIT);
      clients.add(client);
    }

    server.stop();

    List<Long> retries = new ArrayList<>();
    for (SseClient client : clients) {
      Event shutdown = client.awaitEvent("server-shutdown", WAIT);
      client.awaitEnd(WAIT);
      assertTrue(client.retry() >= 1000 && client.retry() <= 7500, "retry " + client.retry());
      assertEquals("{\"retry\":" + client.retry() + "}", shutdown.data());
      retries.add(client.retry());
    }
    assertNotEquals(1, retries.stream().distinct().count(), "hints are jittered: " + retries);
  }

  @Test
  void aStreamRequestWhileShuttingDownIsToldToComeBackLaterNotRefused() throws Exception {
    start(SseServlet.builder().retry(Duration.ofSeconds(1)));
    servlet.shutdown();

    // A browser's EventSource would give up for good on a 503; this answer makes it retry.
    SseClient late = connect("");
    assertEquals(200, late.status());
    Event shutdown = late.awaitEvent("server-shutdown", WAIT);
    late.awaitEnd(WAIT);
    assertTrue(late.retry() >= 1000 && late.retry() <= 7500, "retry " + late.retry());
    assertEquals("{\"retry\":" + late.retry() + "}", shutdown.data());
    assertEquals(0, servlet.connectionCount());
  }

  HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(pathAndQuery)).GET();
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Lets time pass (for timers under test); the thread is parked, not busy. */
  static void pause(Duration duration) {
    LockSupport.parkNanos(duration.toNanos());
  }

  static List<String> data(List<Event> events) {
    return events.stream().map(Event::data).toList();
  }

  static List<String> typesAndData(List<Event> events) {
    return events.stream().map(e -> e.type().equals("message") ? e.data() : e.type()).toList();
  }

  static Event withoutId(Event event) {
    return new Event(event.type(), event.data(), "");
  }

  static List<String> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(name -> name.startsWith(prefix)).toList();
  }

  static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
    }
    return used;
  }
}
