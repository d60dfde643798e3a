package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.testkit.EventStreamParser.Event;
import io.ssekit.testkit.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sample app's stream caps (README, "The sample app": {@code SSE_MAX_STREAMS_PER_USER},
 * {@code SSE_MAX_STREAMS_PER_ADDRESS}, {@code SSE_TRUSTED_PROXIES}, {@code
 * SSE_STREAM_LIMIT_POLICY}).
 */
class SampleStreamLimitsTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<SseClient> streams = new ArrayList<>();
  private SampleApp app;

  @AfterEach
  void stop() {
    streams.forEach(SseClient::close);
    if (app != null) {
      app.close();
    }
  }

  private void start(Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("PORT", "0");
    all.put("SSE_KEEPALIVE_MS", "200");
    app = SampleApp.start(AppConfig.fromEnvironment(all));
  }

  private SseClient stream(String query, Map<String, String> headers) {
    SseClient client = SseClient.open(http,
        URI.create("http://127.0.0.1:" + app.port() + "/events" + query), headers);
    streams.add(client);
    return client;
  }

  @Test
  void aSecondStreamUnderOneTokenSupersedesTheFirst() throws Exception {
    Map<String, String> env = new HashMap<>(SampleAuthTest.ENV);
    env.put("SSE_MAX_STREAMS_PER_USER", "1");
    start(env);
    String alice = SampleAuthTest.token("--sub", "alice");
    SseClient first = stream("?token=" + alice, Map.of());
    first.awaitText("id: ", WAIT);

    SseClient second = stream("", Map.of("Authorization", "Bearer " + alice));
    second.awaitText("id: ", WAIT);
    Event superseded = first.awaitEvent("sse-superseded", WAIT);
    first.awaitEnd(WAIT);
    assertTrue(superseded.data().startsWith("{\"cap\":\"principal\",\"limit\":1,\"retry\":"),
        superseded.data());
    assertTrue(first.retry() >= 60_000, "retry " + first.retry());

    HttpResponse<String> sent = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + app.port() + "/send"))
        .header("Authorization", "Bearer " + alice)
        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("{\"sent\":true,\"clients\":1}", sent.body());
    assertEquals("{\"n\":1}", second.awaitEvent("notification", WAIT).data());
    assertFalse(second.ended());
  }

  @Test
  void refuseNewAnswersSseLimitPerAddressAndBelievesOnlyTrustedProxies() throws Exception {
    start(Map.of("SSE_MAX_STREAMS_PER_ADDRESS", "1", "SSE_STREAM_LIMIT_POLICY", "refuse-new",
        "SSE_TRUSTED_PROXIES", "10.0.0.0/8"));
    stream("", Map.of("X-Forwarded-For", "203.0.113.1")).awaitText("id: ", WAIT);

    // The loopback peer is no trusted proxy: its forwarded address counts for nothing.
    SseClient refused = stream("", Map.of("X-Forwarded-For", "203.0.113.2"));
    Event limit = refused.awaitEvent("sse-limit", WAIT);
    refused.awaitEnd(WAIT);
    assertEquals(200, refused.status());
    assertTrue(limit.data().startsWith("{\"cap\":\"address\",\"limit\":1,\"retry\":"),
        limit.data());
  }

  @Test
  void badCapVariablesStopTheAppNamingThem() {
    Map<String, String> bad = Map.of("SSE_MAX_STREAMS_PER_USER", "0",
        "SSE_MAX_STREAMS_PER_ADDRESS", "lots", "SSE_TRUSTED_PROXIES", "10.0.0.0/40",
        "SSE_STREAM_LIMIT_POLICY", "kick-all");
    bad.forEach((name, value) -> {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> AppConfig.fromEnvironment(Map.of(name, value)));
      assertTrue(e.getMessage().startsWith(name + " "), e.getMessage());
      assertTrue(e.getMessage().contains(value), e.getMessage());
    });
  }
}
