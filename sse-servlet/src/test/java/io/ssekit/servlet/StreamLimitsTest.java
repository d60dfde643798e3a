package io.ssekit.servlet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.ProtocolEvents;
import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.servlet.StreamCaps.Cap;
import io.ssekit.spi.AuthResult;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.SsePrincipal;
import io.ssekit.testkit.EventStreamParser.Event;
import io.ssekit.testkit.SseClient;
import jakarta.servlet.http.HttpServlet;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-principal and per-address stream caps over real sockets (README, "Configuration
 * reference"; {@code docs/protocol.md}, "Stream caps per principal and per address"), on each
 * container by the subclasses.
 */
abstract class StreamLimitsTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final Pattern DATA =
      Pattern.compile("\\{\"cap\":\"(\\w+)\",\"limit\":(\\d+),\"retry\":(\\d+)}");

  /** Grants the principal named by the {@code user} query parameter; none without it. */
  private static final Authenticator BY_USER = request -> CompletableFuture.completedFuture(
      request.queryParameter("user").<AuthResult>map(name -> AuthResult.granted(new SsePrincipal() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public boolean maySubscribe(String topic) {
          return true;
        }

        @Override
        public boolean mayPublish(String topic) {
          return true;
        }
      })).orElse(AuthResult.unauthenticated("Bearer", "who are you?")));

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final RecordingListener listener = new RecordingListener();
  private SseServlet servlet;
  private TestServer server;
  private HttpClient http;

  abstract TestServer startServer(HttpServlet servlet) throws Exception;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private SseHub start(SseServlet.Builder builder) throws Exception {
    SseHub hub = SseHub.builder().history(MemoryEventHistory.builder().build()).build();
    resources.add(hub);
    // A short keep-alive notices the clients that leave.
    servlet = builder.hub(hub).listener(listener).keepAlive(Duration.ofMillis(100)).build();
    server = startServer(servlet);
    resources.add(server);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT)
        .build();
    return hub;
  }

  private SseClient connect(String query, Map<String, String> headers) {
    SseClient client = SseClient.open(http, server.uri("/events" + query), headers);
    resources.add(client);
    return client;
  }

  private RawConnection raw(String localAddress) throws Exception {
    RawConnection connection = RawConnection.open(server.uri("/"), localAddress);
    resources.add(connection);
    return connection;
  }

  /** The cap, limit and retry in the data of {@code sse-superseded} or {@code sse-limit}. */
  private static Matcher data(String text) {
    Matcher matcher = DATA.matcher(text);
    assertTrue(matcher.find(), text);
    return matcher;
  }

  @Test
  void aSecondStreamOfOnePrincipalSupersedesTheFirstWithALongJitteredRetry() throws Exception {
    SseHub hub = start(SseServlet.builder().authenticator(BY_USER).maxStreamsPerPrincipal(1));
    SseClient first = connect("?user=alice", Map.of());
    first.awaitText("id: ", WAIT);
    SseClient other = connect("?user=bob", Map.of());
    other.awaitText("id: ", WAIT);

    SseClient second = connect("?user=alice", Map.of());
    second.awaitText("id: ", WAIT);
    Event superseded = first.awaitEvent(ProtocolEvents.SUPERSEDED, WAIT);
    first.awaitEnd(WAIT);
    Matcher data = data(superseded.data());
    assertEquals("principal", data.group(1));
    assertEquals("1", data.group(2));
    assertEquals(first.retry(), Long.parseLong(data.group(3)));
    assertTrue(first.retry() >= 60_000 && first.retry() <= 90_000, "retry " + first.retry());

    hub.publish("default", "note", "after").toCompletableFuture().join();
    assertEquals("after", second.awaitEvent("note", WAIT).data());
    assertEquals("after", other.awaitEvent("note", WAIT).data());
    assertFalse(second.ended());
    assertEquals(1, servlet.caps().held(Cap.PRINCIPAL, "alice"));
    assertEquals(1, listener.count("closed.superseded"));
    assertEquals(3, listener.count("opened.ok"));

    second.close();
    other.close();
    await().atMost(WAIT).until(() -> servlet.connectionCount() == 0);
    assertEquals(0, servlet.caps().holders());
  }

  @Test
  void refuseNewAnswersTheNewStreamWithSseLimitAndKeepsTheOld() throws Exception {
    SseHub hub = start(SseServlet.builder().authenticator(BY_USER).maxStreamsPerPrincipal(2)
        .streamLimitPolicy(StreamLimitPolicy.REFUSE_NEW).streamLimitRetry(Duration.ofSeconds(4)));
    SseClient first = connect("?user=alice", Map.of());
    first.awaitText("id: ", WAIT);
    connect("?user=alice", Map.of()).awaitText("id: ", WAIT);

    SseClient third = connect("?user=alice", Map.of());
    assertEquals(200, third.status());
    Event limit = third.awaitEvent(ProtocolEvents.LIMIT, WAIT);
    third.awaitEnd(WAIT);
    Matcher data = data(limit.data());
    assertEquals("principal", data.group(1));
    assertEquals("2", data.group(2));
    assertTrue(third.retry() >= 4_000 && third.retry() <= 6_000, "retry " + third.retry());
    assertEquals("", third.lastEventId(), "a refusal does not move the client's cursor");

    hub.publish("default", "note", "still here").toCompletableFuture().join();
    assertEquals("still here", first.awaitEvent("note", WAIT).data());
    assertEquals(1, listener.count("opened.limited"));
    assertEquals(0, listener.count("closed.superseded"));
    assertEquals(2, servlet.caps().held(Cap.PRINCIPAL, "alice"));

    first.close();
    await().atMost(WAIT).until(() -> servlet.caps().held(Cap.PRINCIPAL, "alice") == 1);
    connect("?user=alice", Map.of()).awaitText("id: ", WAIT);
  }

  @Test
  void underThe503PolicyARefusalIs429WithRetryAfter() throws Exception {
    start(SseServlet.builder().authenticator(BY_USER).maxStreamsPerPrincipal(1)
        .streamLimitPolicy(StreamLimitPolicy.REFUSE_NEW)
        .overloadPolicy(OverloadPolicy.SERVICE_UNAVAILABLE)
        .streamLimitRetry(Duration.ofMillis(2500)));
    connect("?user=alice", Map.of()).awaitText("id: ", WAIT);

    String answer = raw("127.0.0.1").get("/events?user=alice").awaitResponse(WAIT);
    assertTrue(answer.startsWith("HTTP/1.1 429 "), answer);
    assertTrue(answer.contains("Retry-After: 3\r\n"), answer);
    assertTrue(answer.contains("application/problem+json"), answer);
    assertTrue(answer.contains("\"type\":\"https://ssekit.io/problems/stream-limit\""), answer);
    await().atMost(WAIT).until(() -> listener.count("opened.limited") == 1);
  }

  @Test
  void streamsWithoutAPrincipalAreNotCountedPerPrincipal() throws Exception {
    start(SseServlet.builder().maxStreamsPerPrincipal(1));
    SseClient first = connect("", Map.of());
    first.awaitText("id: ", WAIT);
    connect("", Map.of()).awaitText("id: ", WAIT);
    assertFalse(first.ended());
    assertEquals(0, servlet.caps().holders());
  }

  @Test
  void oneAddressHoldsAtMostItsCapAndForwardedHeadersFromItAreIgnored() throws Exception {
    // Only 127.0.0.2 is a trusted proxy: what 127.0.0.1 claims to forward counts for nothing.
    start(SseServlet.builder().maxStreamsPerAddress(2).trustedProxies(List.of("127.0.0.2")));
    RawConnection first = raw("127.0.0.1").get("/events", "X-Forwarded-For: 203.0.113.1");
    first.awaitText("id: ", WAIT);
    raw("127.0.0.1").get("/events", "X-Forwarded-For: 203.0.113.2").awaitText("id: ", WAIT);
    raw("127.0.0.1").get("/events", "Forwarded: for=203.0.113.3").awaitText("id: ", WAIT);

    String text = first.awaitText("event: sse-superseded", WAIT);
    assertEquals("address", data(text).group(1));
    assertEquals("2", data(text).group(2));
    assertEquals(2, servlet.caps().held(Cap.ADDRESS, "127.0.0.1"));
    assertEquals(0, servlet.caps().held(Cap.ADDRESS, "203.0.113.1"));
  }

  @Test
  void aTrustedProxyForwardsTheClientAddressAndTheCapAppliesToIt() throws Exception {
    start(SseServlet.builder().maxStreamsPerAddress(1).trustedProxies(List.of("127.0.0.2/32"))
        .streamLimitPolicy(StreamLimitPolicy.REFUSE_NEW));
    // Two clients behind the proxy, and the chain walked from the right past trusted hops.
    raw("127.0.0.2").get("/events", "X-Forwarded-For: 198.51.100.7, 203.0.113.1")
        .awaitText("id: ", WAIT);
    raw("127.0.0.2").get("/events", "X-Forwarded-For: 203.0.113.2, 127.0.0.2")
        .awaitText("id: ", WAIT);
    // The proxy sets X-Forwarded-For: a Forwarded its client sent through it is the client's own
    // claim, and the client is the address the proxy put in X-Forwarded-For.
    raw("127.0.0.2").get("/events", "Forwarded: for=203.0.113.2",
        "X-Forwarded-For: 198.51.100.9").awaitText("id: ", WAIT);

    String refused = raw("127.0.0.2").get("/events", "X-Forwarded-For: 203.0.113.1")
        .awaitResponse(WAIT);
    assertTrue(refused.startsWith("HTTP/1.1 200 "), refused);
    assertTrue(refused.contains("event: sse-limit\n"), refused);
    assertEquals("address", data(refused).group(1));
    assertEquals(1, servlet.caps().held(Cap.ADDRESS, "203.0.113.1"));
    assertEquals(1, servlet.caps().held(Cap.ADDRESS, "203.0.113.2"));
    assertEquals(1, servlet.caps().held(Cap.ADDRESS, "198.51.100.9"));
    assertEquals(0, servlet.caps().held(Cap.ADDRESS, "127.0.0.2"));
    await().atMost(WAIT).until(() -> listener.count("opened.limited") == 1);
  }

  @Test
  void behindAProxyThatSetsForwardedItIsReadWithQuotesPortsAndIpv6() throws Exception {
    start(SseServlet.builder().maxStreamsPerAddress(1).trustedProxies(List.of("127.0.0.2/32"))
        .forwardedHeader("Forwarded").streamLimitPolicy(StreamLimitPolicy.REFUSE_NEW));
    raw("127.0.0.2").get("/events", "Forwarded: for=\"[2001:db8::1]:4711\";proto=http")
        .awaitText("id: ", WAIT);
    raw("127.0.0.2").get("/events", "Forwarded: for=203.0.113.1:5000",
        "X-Forwarded-For: 2001:db8::1").awaitText("id: ", WAIT);

    String refused = raw("127.0.0.2").get("/events", "Forwarded: for=\"[2001:db8::1]\"")
        .awaitResponse(WAIT);
    assertTrue(refused.contains("event: sse-limit\n"), refused);
    assertEquals(1, servlet.caps().held(Cap.ADDRESS, "2001:db8:0:0:0:0:0:1"));
    assertEquals(1, servlet.caps().held(Cap.ADDRESS, "203.0.113.1"));
  }


  @Test
  void theCountsReturnToZeroWhenTheStreamsEnd() throws Exception {
    start(SseServlet.builder().authenticator(BY_USER).maxStreamsPerPrincipal(2)
        .maxStreamsPerAddress(3));
    List<SseClient> clients = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      SseClient client = connect("?user=u" + (i % 2), Map.of());
      client.awaitText("id: ", WAIT);
      clients.add(client);
    }
    await().atMost(WAIT).until(() -> servlet.connectionCount() == 3);
    assertEquals(3, servlet.caps().held(Cap.ADDRESS, "127.0.0.1"));
    assertEquals(3, listener.count("closed.superseded"));

    clients.forEach(SseClient::close);
    await().atMost(WAIT).until(() -> servlet.connectionCount() == 0);
    assertEquals(0, servlet.caps().holders());
    assertEquals(6, listener.count("opened.ok"));
    assertEquals(3, listener.count("closed.superseded"));
    assertEquals(3, listener.count("closed.client-gone"));
  }
}
