package io.ssekit.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.servlet.SseServlet;
import io.ssekit.spi.AuthResult;
import io.ssekit.spi.SsePrincipal;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The source against ssekit's own servlet on Jetty, over real sockets. */
@Timeout(120)
class SsekitServerTest {
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final int CUTS = 1000;
  private static final int TOPICS = 4;

  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : closeLater) {
      closeable.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    closeLater.add(0, closeable);
    return closeable;
  }

  private SseHub hub() {
    return closeLater(SseHub.builder()
        .history(MemoryEventHistory.builder().maxEventsPerTopic(1_000_000).build())
        .build());
  }

  @Test
  void aClientCutAtRandomGetsEveryEventOnceInOrderUnderFourPublishers() throws Exception {
    SseHub hub = hub();
    JettyServer jetty = closeLater(JettyServer.start(SseServlet.builder().hub(hub).build()));
    CuttingProxy proxy = closeLater(new CuttingProxy(jetty.port(), 1500, 19));
    Map<String, List<Long>> received = new ConcurrentHashMap<>();
    RecordingListener listener = new RecordingListener() {
      @Override
      public void onEvent(MessageEvent event) {
        int colon = event.data().indexOf(':');
        received.computeIfAbsent(event.data().substring(0, colon), t -> new ArrayList<>())
            .add(Long.parseLong(event.data().substring(colon + 1)));
      }
    };
    EventSource source = closeLater(EventSource.builder(
            proxy.uri("/events?topic=t0&topic=t1&topic=t2&topic=t3"))
        .httpVersion(HttpClient.Version.HTTP_1_1)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(4))
        .build());
    source.start(listener);
    // Without an id the first stream would start at the newest events: the client is given
    // its start cursor before anything is published.
    await().atMost(AWAIT).until(() -> !source.lastEventId().isEmpty());

    AtomicBoolean publishing = new AtomicBoolean(true);
    long[] published = new long[TOPICS];
    ExecutorService publishers = closeLater(new OwnedThreads(TOPICS)).executor;
    List<CompletableFuture<?>> done = new ArrayList<>();
    for (int t = 0; t < TOPICS; t++) {
      int topic = t;
      done.add(CompletableFuture.runAsync(() -> {
        while (publishing.get()) {
          hub.publish("t" + topic, "t" + topic + ":" + published[topic]).toCompletableFuture().join();
          published[topic]++;
          // pacing: slower than the cut client can catch up, so that it keeps being cut while
          // events flow, and catches up once they stop
          LockSupport.parkNanos(10_000_000);
        }
      }, publishers));
    }
    long started = System.nanoTime();
    await().atMost(Duration.ofSeconds(90)).until(() -> proxy.cuts() >= CUTS);
    publishing.set(false);
    System.out.printf("%d cuts in %d ms; published %s%n", proxy.cuts(),
        (System.nanoTime() - started) / 1_000_000, java.util.Arrays.toString(published));
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    await().atMost(AWAIT).until(() -> {
      for (int t = 0; t < TOPICS; t++) {
        List<Long> got = received.get("t" + t);
        if (got == null || got.size() < published[t]) {
          return false;
        }
      }
      return true;
    });
    for (int t = 0; t < TOPICS; t++) {
      List<Long> expected = new ArrayList<>();
      for (long n = 0; n < published[t]; n++) {
        expected.add(n);
      }
      assertEquals(expected, received.get("t" + t), "topic t" + t + ": every event once, in order");
    }
    assertEquals(List.of(), listener.resets, "the history held everything: no reset");
    assertTrue(proxy.cuts() >= CUTS);
  }

  @Test
  void aServerRestartShowsResetThenTheNewEvents() throws Exception {
    SseHub first = SseHub.builder().history(MemoryEventHistory.create()).build();
    JettyServer jetty = JettyServer.start(SseServlet.builder().hub(first)
        .retry(Duration.ofMillis(50)).build());
    int port = jetty.port();
    RecordingListener listener = new RecordingListener();
    EventSource source = closeLater(EventSource.builder(jetty.uri("/events?topic=news"))
        .backoff(Duration.ofMillis(10), Duration.ofMillis(100)).build());
    source.start(listener);
    await().atMost(AWAIT).until(() -> first.streamCount() == 1);
    for (int n = 1; n <= 3; n++) {
      first.publish("news", "old" + n).toCompletableFuture().join();
    }
    await().atMost(AWAIT).until(() -> listener.events.size() == 3);
    String oldCursor = source.lastEventId();
    jetty.close();
    first.close();

    SseHub second = hub();
    closeLater(JettyServer.start(SseServlet.builder().hub(second).build(), port));
    await().atMost(AWAIT).until(() -> second.streamCount() == 1);
    second.publish("news", "new1").toCompletableFuture().join();
    second.publish("news", "new2").toCompletableFuture().join();
    await().atMost(AWAIT).until(() -> listener.events.size() == 5);

    List<String> seen = listener.log.stream()
        .filter(line -> line.startsWith("event") || line.startsWith("reset")).toList();
    assertEquals(List.of("event message old1", "event message old2", "event message old3",
        "reset unknown-epoch [news]", "event message new1", "event message new2"), seen);
    assertTrue(!source.lastEventId().split(";")[0].equals(oldCursor.split(";")[0]),
        "the cursor is of the new epoch");
  }

  @Test
  void aTokenThatExpiresMidStreamIsRenewedWithNothingLost() throws Exception {
    Duration lifetime = Duration.ofMillis(2000);
    Map<String, Instant> expiries = new ConcurrentHashMap<>();
    List<Instant[]> renewals = new CopyOnWriteArrayList<>(); // {asked at, previous expiry}
    AtomicInteger minted = new AtomicInteger();
    SseHub hub = hub();
    SseServlet servlet = SseServlet.builder().hub(hub)
        .tokenExpiryWarning(Duration.ofMillis(1500))
        .authenticator(request -> CompletableFuture.completedFuture(
            request.header("Authorization")
                .map(value -> value.substring("Bearer ".length()))
                .filter(expiries::containsKey)
                .<AuthResult>map(token -> AuthResult.granted(principal(token, expiries.get(token))))
                .orElse(AuthResult.unauthenticated("Bearer", "no valid token"))))
        .build();
    JettyServer jetty = closeLater(JettyServer.start(servlet));
    Map<String, String> current = new ConcurrentHashMap<>();
    EventSource source = closeLater(EventSource.builder(jetty.uri("/events?topic=feed"))
        .headers(() -> {
          Instant now = Instant.now();
          String previous = current.get("token");
          if (previous != null) {
            renewals.add(new Instant[] {now, expiries.get(previous)});
          }
          String token = "token-" + minted.incrementAndGet();
          expiries.put(token, now.plus(lifetime));
          current.put("token", token);
          return Map.of("Authorization", "Bearer " + token);
        })
        .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
        .build());
    List<String> received = new CopyOnWriteArrayList<>();
    source.start(new EventListener() {
      @Override
      public void onEvent(MessageEvent event) {
        received.add(event.data());
      }
    });
    await().atMost(AWAIT).until(() -> hub.streamCount() == 1);
    List<String> published = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end) {
      String data = "e" + published.size();
      hub.publish("feed", data).toCompletableFuture().join();
      published.add(data);
      LockSupport.parkNanos(2_000_000); // pacing: a steady stream across the renewals
    }
    await().atMost(AWAIT).until(() -> received.size() >= published.size());
    assertEquals(published, received, "every event once, in order, across the token changes");
    assertTrue(renewals.size() >= 3, "renewed " + renewals.size() + " times");
    for (Instant[] renewal : renewals) {
      assertTrue(renewal[0].isBefore(renewal[1]),
          "asked for a new token at " + renewal[0] + ", before the old one expired at " + renewal[1]);
    }
  }

  private static SsePrincipal principal(String name, Instant expiresAt) {
    return new SsePrincipal() {
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

      @Override
      public Optional<Instant> expiresAt() {
        return Optional.of(expiresAt);
      }
    };
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void streamsOverEitherHttpVersion(HttpClient.Version version) throws Exception {
    SseHub hub = hub();
    JettyServer jetty = closeLater(JettyServer.start(SseServlet.builder().hub(hub).build()));
    List<HttpClient.Version> versions = new CopyOnWriteArrayList<>();
    RecordingListener listener = new RecordingListener() {
      @Override
      public void onOpen(HttpResponse.ResponseInfo response) {
        versions.add(response.version());
      }
    };
    EventSource source = closeLater(EventSource.builder(jetty.uri("/events?topic=v"))
        .httpVersion(version).build());
    source.start(listener);
    await().atMost(AWAIT).until(() -> hub.streamCount() == 1);
    hub.publish("v", "named", "one\ntwo").toCompletableFuture().join();
    await().atMost(AWAIT).until(() -> listener.events.size() == 1);
    assertEquals(new MessageEvent("named", "one\ntwo", source.lastEventId()), listener.events.get(0));
    assertEquals(List.of(version), versions);
    assertTrue(listener.comments.contains("ok"), "the greeting comment is surfaced");
  }

  /** Daemon threads a scenario owns, shut down with it. */
  private static final class OwnedThreads implements AutoCloseable {
    final ExecutorService executor;

    OwnedThreads(int count) {
      AtomicInteger names = new AtomicInteger();
      executor = Executors.newFixedThreadPool(count, task -> {
        Thread thread = new Thread(task, "publisher-" + names.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
    }

    @Override
    public void close() throws InterruptedException {
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
