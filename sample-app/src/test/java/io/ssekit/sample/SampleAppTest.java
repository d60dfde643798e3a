package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssekit.spi.Cursor;
import io.ssekit.testkit.SseClient;
import io.ssekit.testkit.EventStreamParser.Event;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sample app's endpoints (README, "The sample app"), over real HTTP on embedded Jetty. */
class SampleAppTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  SampleApp app;
  HttpClient http = HttpClient.newHttpClient();
  SseClient stream;

  @BeforeEach
  void start() throws Exception {
    app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", "0", "SSE_RETRY_MS", "2000")));
  }

  @AfterEach
  void stop() {
    if (stream != null) {
      stream.close();
    }
    app.close();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> request(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JsonResponses.MAPPER.readTree(response.body());
  }

  @Test
  void theFoundingCurlSessionBroadcastsANotification() throws Exception {
    stream = SseClient.open(http, uri("/events"));
    stream.awaitText("id: ", WAIT);
    assertTrue(stream.text().startsWith(": ok\n\nretry: 2000\n\nid: "), stream.text());

    HttpResponse<String> sent = post("/send", "{\"title\":\"Deploy complete\"}");

    assertEquals(200, sent.statusCode());
    assertEquals("{\"sent\":true,\"clients\":1}", sent.body());
    Event event = stream.awaitEvents(1, WAIT).get(0);
    assertEquals("notification", event.type());
    assertEquals("{\"title\":\"Deploy complete\"}", event.data());
  }

  @Test
  void publishSendsStringsVerbatimAndOtherJsonAsItsText() throws Exception {
    stream = SseClient.open(http, uri("/events?topic=orders"));
    stream.awaitText("id: ", WAIT);

    HttpResponse<String> text = post("/publish",
        "{\"topic\":\"orders\",\"event\":\"created\",\"data\":\"line 1\\nline 2\"}");
    HttpResponse<String> object = post("/publish", "{\"topic\":\"orders\",\"data\":{\"n\":1}}");

    assertEquals(200, text.statusCode());
    assertEquals("orders", json(text).get("topic").asText());
    List<Event> events = stream.awaitEvents(2, WAIT);
    assertEquals(new Event("created", "line 1\nline 2", json(text).get("id").asText()),
        events.get(0));
    assertEquals(new Event("message", "{\"n\":1}", json(object).get("id").asText()), events.get(1));
  }

  HttpResponse<String> post(String path, String body, String idempotencyKey) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPublishRetriedWithItsIdempotencyKeyGetsTheFirstAnswerAndPublishesOnce() throws Exception {
    stream = SseClient.open(http, uri("/events?topic=orders&topic=default"));
    stream.awaitText("id: ", WAIT);
    String body = "{\"topic\":\"orders\",\"event\":\"created\",\"data\":\"order 17\"}";

    HttpResponse<String> first = post("/publish", body, "req-17");
    HttpResponse<String> retried = post("/publish", body, "req-17");
    HttpResponse<String> sent = post("/send", "{\"n\":1}", "req-17");
    HttpResponse<String> resent = post("/send", "{\"n\":1}", "req-17");
    HttpResponse<String> next = post("/publish", body.replace("17", "18"), "req-18");

    assertEquals(200, retried.statusCode());
    assertEquals(first.body(), retried.body(), "the first publish's answer");
    assertEquals(sent.body(), resent.body());
    List<Event> events = stream.awaitEvents(3, WAIT);
    assertEquals(List.of("order 17", "{\"n\":1}", "order 18"),
        events.stream().map(Event::data).toList(), "each once: the key is per topic");
    assertEquals(Cursor.parse(json(next).get("id").asText()).orElseThrow().position("orders"),
        Cursor.parse(events.get(2).lastEventId()).orElseThrow().position("orders"));
  }

  @Test
  void anIdempotencyKeyOverTwoHundredFiftySixBytesGets400() throws Exception {
    HttpResponse<String> refused = post("/publish", "{\"data\":\"x\"}", "k".repeat(257));
    assertEquals(400, refused.statusCode());
    assertEquals("application/problem+json", refused.headers().firstValue("Content-Type")
        .orElseThrow().split(";")[0]);
    assertEquals("https://ssekit.io/problems/invalid-idempotency-key",
        json(refused).get("type").asText());
    assertEquals("Idempotency-Key must be 1 to 256 bytes", json(refused).get("detail").asText());
    assertEquals(200, post("/send", "{}", "k".repeat(256)).statusCode());
  }

  @Test
  void badPublishRequestsGet400WithAJsonMessageAndNoStackTrace() throws Exception {
    Map<String, String> cases = new HashMap<>();
    cases.put("{not json", "invalid JSON");
    cases.put("{\"topic\":\"t\"}", "missing data");
    cases.put("{\"event\":\"a\\nb\",\"data\":\"x\"}", "event name with a line break");
    cases.put("{\"topic\":\"bad topic\",\"data\":\"x\"}", "invalid topic");
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      HttpResponse<String> response = post("/publish", bad.getKey());
      assertEquals(400, response.statusCode(), bad.getValue() + ": " + response.body());
      assertEquals(400, json(response).get("status").asInt(), bad.getValue());
      assertFalse(json(response).get("detail").asText().isBlank(), bad.getValue());
      assertFalse(response.body().contains("Exception") || response.body().contains("\tat "),
          bad.getValue() + ": " + response.body());
    }
    assertEquals(400, post("/send", "{oops").statusCode());
  }

  @Test
  void aBodyOverTheLimitGets413() throws Exception {
    String huge = "{\"data\":\"" + "x".repeat(SampleApp.MAX_BODY_BYTES) + "\"}";
    HttpResponse<String> response = post("/publish", huge);
    assertEquals(413, response.statusCode());
    assertEquals(413, json(response).get("status").asInt());
  }

  @Test
  void aBodyOverTheLimitIsReadToItsEndSoTheAnswerArrivesAndTheConnectionStays() throws Exception {
    byte[] huge = ("{\"data\":\"" + "x".repeat(SampleApp.MAX_BODY_BYTES) + "\"}")
        .getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      for (int i = 0; i < 3; i++) {
        out.write(RawHttp.postHead("/publish", huge.length));
        out.write(huge);
        out.flush();
        String answer = RawHttp.readResponse(in);
        assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        assertFalse(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
      }
      out.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String health = RawHttp.readResponse(in);
      assertTrue(health.startsWith("HTTP/1.1 200 "), health);
    }
  }

  @Test
  void aBodyDeclaredFarOverTheLimitIsRefusedBeforeItIsSentAndTheConnectionCloses()
      throws Exception {
    long declared = SampleApp.MAX_BODY_BYTES + PublishServlet.MAX_SWALLOW_BYTES + 1;
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      socket.getOutputStream().write(RawHttp.postHead("/publish", declared));
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String answer = RawHttp.readResponse(in);
      assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
      assertTrue(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
      assertEquals(-1, in.read(), "the server closed the connection");
    }
  }

  @Test
  void healthReportsUpAndTheNumberOfStreams() throws Exception {
    stream = SseClient.open(http, uri("/events"));
    stream.awaitText("id: ", WAIT);
    HttpResponse<String> health = request("GET", "/health");
    assertEquals(200, health.statusCode());
    assertEquals("{\"status\":\"UP\",\"connections\":1}", health.body());
  }

  @Test
  void unknownPathsGet404AndWrongMethods405AsJson() throws Exception {
    HttpResponse<String> missing = request("GET", "/nope");
    assertEquals(404, missing.statusCode());
    assertEquals(404, json(missing).get("status").asInt());

    HttpResponse<String> wrong = request("GET", "/send");
    assertEquals(405, wrong.statusCode());
    assertEquals("POST", wrong.headers().firstValue("allow").orElseThrow());
    assertEquals(405, json(wrong).get("status").asInt());

    assertEquals(405, request("DELETE", "/").statusCode());
    assertEquals(405, request("PUT", "/events").statusCode());
  }

  @Test
  void withoutAuthThereIsNoTicketEndpoint() throws Exception {
    assertEquals(404, request("POST", "/auth/ticket").statusCode());
  }

  @Test
  void thePageIsServedAtTheRoot() throws Exception {
    HttpResponse<String> page = request("GET", "/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("new EventSource("), "the page uses the browser's EventSource");
  }

  @Test
  void badEnvironmentVariablesAreNamed() {
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.fromEnvironment(Map.of("PORT", "eighty")));
    assertTrue(port.getMessage().contains("PORT"), port.getMessage());
    IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.fromEnvironment(Map.of("SSE_MAX_CONNECTS_PER_SECOND", "0")));
    assertEquals("SSE_MAX_CONNECTS_PER_SECOND must be a whole number from 1 to 2147483647,"
        + " was '0'", rate.getMessage());
    IllegalArgumentException replays = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.fromEnvironment(Map.of("SSE_REPLAY_CONCURRENCY", "many")));
    assertEquals("SSE_REPLAY_CONCURRENCY must be a whole number from 1 to 2147483647,"
        + " was 'many'", replays.getMessage());
    AppConfig admission = AppConfig.fromEnvironment(Map.of("SSE_MAX_CONNECTS_PER_SECOND", "500",
        "SSE_REPLAY_CONCURRENCY", "8"));
    assertEquals(Optional.of(500), admission.maxConnectsPerSecond());
    assertEquals(8, admission.replayConcurrency());
    assertEquals(Optional.empty(), AppConfig.fromEnvironment(Map.of()).maxConnectsPerSecond());
    assertEquals(64, AppConfig.fromEnvironment(Map.of()).replayConcurrency());
    IllegalArgumentException redis = assertThrows(IllegalArgumentException.class,
        () -> SampleApp.start(AppConfig.fromEnvironment(
            Map.of("PORT", "0", "SSE_REDIS_URI", "http://127.0.0.1:6379"))));
    assertTrue(redis.getMessage().contains("SSE_REDIS_URI"), redis.getMessage());
    String shortSecret = "only-twenty-six-bytes-long";
    IllegalArgumentException jwt = assertThrows(IllegalArgumentException.class,
        () -> SampleApp.start(AppConfig.fromEnvironment(
            Map.of("PORT", "0", "SSE_AUTH_JWT_SECRET", shortSecret))));
    assertTrue(jwt.getMessage().startsWith("SSE_AUTH_JWT_SECRET must be at least 32 bytes, was 26:"),
        jwt.getMessage());
    assertFalse(jwt.getMessage().contains(shortSecret), "the secret is never shown");
    IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.fromEnvironment(Map.of("SSE_IDEMPOTENCY_WINDOW_MS", "0")));
    assertEquals("SSE_IDEMPOTENCY_WINDOW_MS must be a whole number from 1 to 86400000, was '0'",
        window.getMessage());
  }
}
