package io.ssekit.sample;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.testkit.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * {@code GET /metrics} in the Prometheus format, {@code SSE_METRICS=off}, and the health probes
 * {@code /health/live} and {@code /health/ready} through a shutdown.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MetricsEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private SampleApp app;

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private SampleApp start(Map<String, String> env) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("PORT", "0");
    app = SampleApp.start(AppConfig.fromEnvironment(all));
    resources.add(app);
    return app;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private SseClient stream(String query) {
    SseClient client = SseClient.open(http, uri("/events" + query));
    resources.add(client);
    return client;
  }

  @Test
  void metricsServesSsekitJvmAndJettyMetersInThePrometheusFormat() throws Exception {
    start(Map.of());
    SseClient client = stream("?topic=m");
    client.awaitText("id: ", WAIT);
    app.hub().publish("m", "hello").toCompletableFuture().join();
    client.awaitEvents(1, WAIT);

    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    assertEquals(MetricsServlet.CONTENT_TYPE,
        response.headers().firstValue("content-type").orElseThrow());
    await().atMost(WAIT).until(() ->
        Scrape.of(http, uri("/metrics")).value("ssekit_delivery_lag_seconds_count") == 1);
    Scrape scrape = Scrape.of(http, uri("/metrics"));
    assertEquals(1, scrape.value("ssekit_streams_open"));
    assertEquals(1, scrape.value("ssekit_streams_opened_total{result=\"ok\"}"));
    assertEquals(0, scrape.value("ssekit_streams_opened_total{result=\"busy\"}"));
    assertEquals(1, scrape.value("ssekit_events_published_total{result=\"ok\"}"));
    assertEquals(1, scrape.value("ssekit_events_delivered_total"));
    assertTrue(scrape.has("ssekit_delivery_lag_seconds_bucket{le="), "histogram buckets");
    assertTrue(scrape.value("ssekit_socket_written_bytes_total") > 0, scrape.text);
    assertTrue(scrape.text.contains("# HELP ssekit_streams_open streams open now"), scrape.text);
    assertTrue(scrape.has("jvm_memory_used_bytes"), "JVM meters");
    assertTrue(scrape.has("jvm_threads_live_threads"), "JVM meters");
    assertTrue(scrape.value("jetty_threads_busy") >= 1, "Jetty's pool serves this scrape");
    assertTrue(scrape.has("jetty_threads_config_max"), "Jetty thread-pool meters");
  }

  @Test
  void metricsOffServesNoEndpoint() throws Exception {
    start(Map.of("SSE_METRICS", "off"));

    assertEquals(404, get("/metrics").statusCode());
    assertEquals(200, get("/health").statusCode());
  }

  @Test
  void aBadMetricsSettingNamesTheVariable() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> AppConfig.fromEnvironment(Map.of("SSE_METRICS", "yes")));
    assertEquals("SSE_METRICS must be 'on' or 'off', was 'yes'", e.getMessage());
  }

  @Test
  void readinessTurnsBeforeAnyStreamIsToldToGoAndLivenessStays() throws Exception {
    start(Map.of("SSE_SHUTDOWN_GRACE_MS", "60000"));
    assertEquals(200, get("/health/ready").statusCode());
    assertEquals("{\"status\":\"UP\"}", get("/health/ready").body());
    assertEquals(200, get("/health/live").statusCode());
    assertEquals(404, get("/health/other").statusCode());

    // A client that stopped reading with bytes still queued holds the shutdown open (within
    // its grace) until it goes: meanwhile the server still answers. Over HTTP/1.1 its socket
    // fills; then each event is either written or queued, and the test stops at the first queued.
    SseClient stalled = SseClient.open(
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
        uri("/events?topic=stalled"));
    resources.add(stalled);
    stalled.awaitText("id: ", WAIT);
    stalled.pauseReading();
    String payload = "x".repeat(16 * 1024);
    Scrape last = scrape();
    for (int i = 0; i < 4000 && last.value("ssekit_streams_queued_bytes") == 0; i++) {
      double writtenBefore = last.value("ssekit_socket_written_bytes_total");
      app.hub().publish("stalled", payload).toCompletableFuture().join();
      await().atMost(WAIT).until(() -> {
        Scrape now = scrape();
        return now.value("ssekit_streams_queued_bytes") > 0
            || now.value("ssekit_socket_written_bytes_total") > writtenBefore;
      });
      last = scrape();
    }
    assertTrue(last.value("ssekit_streams_queued_bytes") > 0,
        "the stalled stream has bytes queued");
    SseClient reading = stream("?topic=reading");
    reading.awaitText("id: ", WAIT);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
    reading.awaitEvent("server-shutdown", WAIT);

    HttpResponse<String> ready = get("/health/ready");
    assertEquals(503, ready.statusCode());
    assertEquals("{\"status\":\"DOWN\",\"shutdown\":true}", ready.body());
    assertEquals(200, get("/health/live").statusCode());
    stalled.close();
    closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private Scrape scrape() {
    return Scrape.of(http, uri("/metrics"));
  }
}
