package io.ssekit.sample;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.testkit.SseClient;
import io.ssekit.testkit.EventStreamParser.Event;
import io.ssekit.testkit.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two sample-app instances sharing Redis, as behind a load balancer; run on one real
 * redis-server and on a Redis Cluster.
 */
abstract class SampleRedisCases {
  static final Duration WAIT = Duration.ofSeconds(30);

  final List<SampleApp> apps = new ArrayList<>();
  final List<SseClient> clients = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  /** The Redis of the running test. */
  abstract TestRedis redis();

  /** Kills Redis (one node of a cluster) with SIGKILL. */
  abstract void killRedis();

  /** Starts what {@link #killRedis} killed again. */
  abstract void restartRedis();

  @AfterEach
  void stopAll() {
    clients.forEach(SseClient::close);
    apps.forEach(SampleApp::close);
  }

  SampleApp instance() throws Exception {
    SampleApp app = SampleApp.start(AppConfig.fromEnvironment(
        Map.of("PORT", "0", "SSE_REDIS_URI", redis().uri(), "SSE_SHUTDOWN_GRACE_MS", "500")));
    apps.add(app);
    return app;
  }

  static URI uri(SampleApp app, String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  SseClient stream(SampleApp app, String query, Map<String, String> headers) {
    SseClient client = SseClient.open(http, uri(app, "/events" + query), headers);
    clients.add(client);
    client.awaitText("id: ", WAIT);
    return client;
  }

  HttpResponse<String> post(SampleApp app, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(app, path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> health(SampleApp app) throws Exception {
    return get(app, "/health");
  }

  HttpResponse<String> get(SampleApp app, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(app, path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anEventSentToOneInstanceReachesTheStreamsOfTheOther() throws Exception {
    SampleApp one = instance();
    SampleApp two = instance();
    SseClient onTwo = stream(two, "", Map.of());

    assertEquals(200, post(one, "/send", "{\"title\":\"Deploy complete\"}").statusCode());

    Event event = onTwo.awaitEvents(1, WAIT).get(0);
    assertEquals("notification", event.type());
    assertEquals("{\"title\":\"Deploy complete\"}", event.data());
  }

  @Test
  void aPublishRetriedOnTheOtherInstanceWithItsKeyGetsTheFirstAnswerAndPublishesOnce()
      throws Exception {
    SampleApp one = instance();
    SampleApp two = instance();
    SseClient onTwo = stream(two, "?topic=orders", Map.of());
    String body = "{\"topic\":\"orders\",\"data\":\"order 17\"}";

    HttpResponse<String> first = post(one, "/publish", body, "req-17");
    HttpResponse<String> retried = post(two, "/publish", body, "req-17");
    post(two, "/publish", "{\"topic\":\"orders\",\"data\":\"order 18\"}", "req-18");

    assertEquals(200, retried.statusCode());
    assertEquals(first.body(), retried.body(), "the first publish's answer");
    assertEquals(List.of("order 17", "order 18"),
        onTwo.awaitEvents(2, WAIT).stream().map(Event::data).toList());
  }

  HttpResponse<String> post(SampleApp app, String path, String body, String idempotencyKey)
      throws Exception {
    return http.send(HttpRequest.newBuilder(uri(app, path))
        .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aClientMovingToAnotherInstanceWithItsLastEventIdLosesNothing() throws Exception {
    SampleApp one = instance();
    SampleApp two = instance();
    SseClient first = stream(one, "?topic=a&topic=b", Map.of());
    post(one, "/publish", "{\"topic\":\"a\",\"data\":\"a1\"}");
    post(two, "/publish", "{\"topic\":\"b\",\"data\":\"b1\"}");
    first.awaitEvents(2, WAIT);
    first.close();
    post(two, "/publish", "{\"topic\":\"a\",\"data\":\"a2\"}");
    post(one, "/publish", "{\"topic\":\"b\",\"data\":\"b2\"}");
    post(two, "/publish", "{\"topic\":\"a\",\"data\":\"a3\"}");

    SseClient moved = stream(two, "?topic=a&topic=b", Map.of("Last-Event-ID", first.lastEventId()));

    List<String> data = moved.awaitEvents(3, WAIT).stream().map(Event::data).toList();
    assertEquals(List.of("a2", "a3"), data.stream().filter(d -> d.startsWith("a")).toList());
    assertEquals(List.of("b2"), data.stream().filter(d -> d.startsWith("b")).toList());
    assertTrue(moved.events().stream().noneMatch(e -> e.type().equals("sse-reset")));
  }

  @Test
  void healthSays503WhileRedisIsUnreachableAnd200Again() throws Exception {
    SampleApp app = instance();
    HttpResponse<String> up = health(app);
    assertEquals(200, up.statusCode());
    assertEquals("{\"status\":\"UP\",\"connections\":0,\"redis\":\"up\"}", up.body());
    assertEquals(200, get(app, "/health/ready").statusCode());
    assertEquals(1, Scrape.of(http, uri(app, "/metrics")).value("ssekit_redis_reachable"));

    killRedis();
    await().atMost(WAIT).until(() -> health(app).statusCode() == 503);
    assertEquals("{\"status\":\"DOWN\",\"connections\":0,\"redis\":\"unreachable\"}",
        health(app).body());
    HttpResponse<String> ready = get(app, "/health/ready");
    assertEquals(503, ready.statusCode());
    assertEquals("{\"status\":\"DOWN\",\"redis\":\"unreachable\"}", ready.body());
    assertEquals(200, get(app, "/health/live").statusCode(), "the process still serves");
    assertEquals(0, Scrape.of(http, uri(app, "/metrics")).value("ssekit_redis_reachable"));

    restartRedis();
    await().atMost(WAIT).until(() -> health(app).statusCode() == 200);
    assertEquals(200, get(app, "/health/ready").statusCode());
  }
}
