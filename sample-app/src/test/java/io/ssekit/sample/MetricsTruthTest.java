package io.ssekit.sample;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.testkit.EventStreamParser.Event;
import io.ssekit.testkit.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's counters tell the truth: 200 streams of 500 events, 40 of them cut halfway and
 * resumed; what {@code /metrics} says was opened, closed, published, delivered, replayed, timed
 * and written equals what the clients did and received.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MetricsTruthTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int STREAMS = 200;
  private static final int CUT = 40;
  private static final int EVENTS = 500;
  private static final int TOPICS = 1;
  private static final int STREAMS_PER_CLIENT = 40;

  /**
   * HTTP/2 clients, {@value #STREAMS_PER_CLIENT} streams each (a connection takes 128 at most): a
   * client that closes its stream resets it, and the server knows at once, with no write to find
   * out, so nothing is written that nobody reads.
   */
  private final HttpClient[] https = IntStream.range(0, STREAMS / STREAMS_PER_CLIENT)
      .mapToObj(i -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build())
      .toArray(HttpClient[]::new);
  private final HttpClient http = https[0];
  private final List<SseClient> clients = new ArrayList<>();
  private SampleApp app;

  @AfterEach
  void stop() {
    clients.forEach(SseClient::close);
    if (app != null) {
      app.close();
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  private static String topic(int stream) {
    return "truth-" + (stream % TOPICS);
  }

  private SseClient open(int stream, Map<String, String> headers) {
    SseClient client = SseClient.open(https[stream % https.length],
        uri("/events?topic=" + topic(stream)), headers);
    clients.add(client);
    return client;
  }

  /** Publishes events {@code from} to {@code to} (exclusive) on every topic, in turn. */
  private void publish(int from, int to) {
    for (int i = from; i < to; i++) {
      String topic = "truth-" + (i % TOPICS);
      app.hub().publish(topic, "n", topic + ":" + i).toCompletableFuture().join();
    }
  }

  private static List<String> expected(int stream, int from, int to) {
    return IntStream.range(from, to).filter(i -> i % TOPICS == stream % TOPICS)
        .mapToObj(i -> topic(stream) + ":" + i).toList();
  }

  private static List<String> data(List<Event> events) {
    return events.stream().map(Event::data).toList();
  }

  @Test
  void theServersCountersEqualWhatTheClientsReceivedAndDid() throws Exception {
    // No keep-alive during the test: every byte written is one the test can account for.
    app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", "0",
        "SSE_KEEPALIVE_MS", "3600000")));
    SseClient[] first = new SseClient[STREAMS];
    for (int s = 0; s < STREAMS; s++) {
      first[s] = open(s, Map.of());
    }
    for (SseClient client : first) {
      client.awaitText("id: ", WAIT);
    }

    publish(0, EVENTS / 2);
    int half = EVENTS / 2 / TOPICS;
    for (int s = 0; s < STREAMS; s++) {
      assertEquals(expected(s, 0, EVENTS / 2), data(first[s].awaitEvents(half, WAIT)));
    }
    // Every byte written so far has been read: cut some streams now.
    await().atMost(WAIT).until(() -> scrape().value("ssekit_socket_written_bytes_total")
        == bytesReceived());
    String[] lastIds = new String[CUT];
    for (int s = 0; s < CUT; s++) {
      lastIds[s] = first[s].lastEventId();
      first[s].close();
    }
    await().atMost(WAIT).until(() -> app.hub().streamCount() == STREAMS - CUT);

    publish(EVENTS / 2, EVENTS);
    for (int s = CUT; s < STREAMS; s++) {
      assertEquals(expected(s, 0, EVENTS), data(first[s].awaitEvents(2 * half, WAIT)));
    }
    SseClient[] resumed = new SseClient[CUT];
    for (int s = 0; s < CUT; s++) {
      resumed[s] = open(s, Map.of("Last-Event-ID", lastIds[s]));
    }
    for (int s = 0; s < CUT; s++) {
      assertEquals(expected(s, EVENTS / 2, EVENTS), data(resumed[s].awaitEvents(half, WAIT)));
    }

    long received = clients.stream().mapToLong(c -> c.events().size()).sum();
    long liveReceived = received - (long) CUT * half;
    assertEquals((long) STREAMS * EVENTS / TOPICS, received);
    await().atMost(WAIT).until(() -> scrape().value("ssekit_socket_written_bytes_total")
        == bytesReceived());
    Scrape scrape = scrape();
    assertEquals(STREAMS + CUT, scrape.value("ssekit_streams_opened_total{result=\"ok\"}"));
    assertEquals(CUT, scrape.value("ssekit_streams_closed_total{reason=\"client-gone\"}"));
    assertEquals(STREAMS, scrape.value("ssekit_streams_open"));
    assertEquals(EVENTS, scrape.value("ssekit_events_published_total{result=\"ok\"}"));
    assertEquals(EVENTS, scrape.value("ssekit_publish_duration_seconds_count"));
    assertEquals(received, scrape.value("ssekit_events_delivered_total"));
    assertEquals(CUT, scrape.value("ssekit_resumes_total{result=\"exact\"}"));
    assertEquals(0, scrape.value("ssekit_resumes_total{result=\"gap\"}"));
    assertEquals(CUT, scrape.value("ssekit_resumes_replayed_events_count"));
    assertEquals((double) CUT * half, scrape.value("ssekit_resumes_replayed_events_sum"));
    assertEquals(0, scrape.value("ssekit_streams_queued_bytes"));
    double writes = scrape.value("ssekit_socket_writes_total");
    assertTrue(writes >= STREAMS + CUT && writes <= received + 2 * (STREAMS + CUT),
        "socket writes " + writes + " for " + received + " events");
    // One lag sample per write that carried live events: each live stream had one at least.
    double lagSamples = scrape.value("ssekit_delivery_lag_seconds_count");
    assertTrue(lagSamples >= STREAMS && lagSamples <= liveReceived && lagSamples < writes,
        lagSamples + " lag samples for " + liveReceived + " live events in " + writes + " writes");
  }

  private Scrape scrape() {
    return Scrape.of(http, uri("/metrics"));
  }

  private long bytesReceived() {
    return clients.stream().mapToLong(c -> c.text().getBytes(StandardCharsets.UTF_8).length).sum();
  }
}
