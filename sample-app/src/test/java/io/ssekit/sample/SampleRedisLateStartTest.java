package io.ssekit.sample;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.testkit.EventStreamParser.Event;
import io.ssekit.testkit.RedisCluster;
import io.ssekit.testkit.RedisServer;
import io.ssekit.testkit.SseClient;
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
 * The sample app started before its Redis: it serves at once, says it is not ready, turns
 * streams and publishes away with "come back later", and works once Redis is there, without a
 * restart.
 */
class SampleRedisLateStartTest {
  static final Duration WAIT = Duration.ofSeconds(60);

  final List<AutoCloseable> open = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  SampleApp app(String redisUri) throws Exception {
    SampleApp app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", "0",
        "SSE_REDIS_URI", redisUri, "SSE_SHUTDOWN_GRACE_MS", "500", "SSE_RETRY_MS", "1000")));
    open.add(app);
    return app;
  }

  URI uri(SampleApp app, String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  HttpResponse<String> get(SampleApp app, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(app, path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(SampleApp app, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(app, path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What the app answers while its Redis has never been reachable. */
  void assertComeBackLater(SampleApp app) throws Exception {
    HttpResponse<String> health = get(app, "/health");
    assertEquals(503, health.statusCode());
    assertEquals("{\"status\":\"DOWN\",\"connections\":0,\"redis\":\"unreachable\"}",
        health.body());
    assertEquals(503, get(app, "/health/ready").statusCode());
    assertEquals(200, get(app, "/health/live").statusCode());

    HttpResponse<String> stream = get(app, "/events?topic=late");
    assertEquals(200, stream.statusCode(), "a stream is never an error page");
    assertTrue(stream.headers().firstValue("Content-Type").orElse("")
        .startsWith("text/event-stream"), stream.headers().toString());
    assertTrue(stream.body().startsWith("event: sse-busy\nretry: "), stream.body());

    for (String path : List.of("/publish", "/send")) {
      HttpResponse<String> refused = post(app, path, "{\"topic\":\"late\",\"data\":\"x\"}");
      assertEquals(503, refused.statusCode(), path);
      assertEquals("application/problem+json",
          refused.headers().firstValue("Content-Type").orElse(""), path);
      int retryAfter = Integer.parseInt(refused.headers().firstValue("Retry-After")
          .orElse("0"));
      assertTrue(retryAfter >= 1 && retryAfter <= 3, "Retry-After " + retryAfter);
      assertTrue(refused.body().contains("\"status\":503"), refused.body());
    }
  }

  /** A stream opens, a publish succeeds, and the stream gets it through Redis. */
  void assertWorks(SampleApp app, String topic) throws Exception {
    long redisUp = System.nanoTime();
    if (get(app, "/health").statusCode() != 200) {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
          .until(() -> get(app, "/health").statusCode() == 200);
      System.out.printf("%s: /health answered 200 %d ms after Redis was up%n",
          getClass().getSimpleName(), (System.nanoTime() - redisUp) / 1_000_000);
    }
    assertEquals(200, get(app, "/health/ready").statusCode());
    SseClient stream = SseClient.open(http, uri(app, "/events?topic=" + topic), Map.of());
    open.add(stream::close);
    stream.awaitText("id: ", WAIT);
    HttpResponse<String> published = post(app, "/publish",
        "{\"topic\":\"" + topic + "\",\"data\":\"after Redis came\"}");
    assertEquals(200, published.statusCode(), published.body());
    Event event = stream.awaitEvents(1, WAIT).get(0);
    assertEquals("after Redis came", event.data());
  }

  @Test
  void startsWithoutRedisAndWorksOnceRedisComesUp() throws Exception {
    int port = RedisServer.freeLoopbackPort();
    SampleApp app = app("redis://127.0.0.1:" + port);

    assertComeBackLater(app);
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
        .until(() -> get(app, "/health/ready").statusCode() == 503);

    RedisServer redis = RedisServer.startOnPort(port);
    open.add(1, redis);
    assertWorks(app, "late");
  }

  @Test
  void startsWithoutARedisClusterAndWorksOnceItsNodesComeUpOneByOne() throws Exception {
    RedisCluster cluster = RedisCluster.start(3);
    open.add(0, cluster);
    cluster.nodes().forEach(RedisServer::kill);
    SampleApp app = app(cluster.uri());

    assertComeBackLater(app);

    List<RedisServer> nodes = cluster.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).restart();
      if (i < nodes.size() - 1) {
        // Once the last master is back, ready may answer 200 at once.
        assertEquals(503, get(app, "/health/ready").statusCode(), "not ready before every master");
      }
    }
    cluster.awaitHealthy();
    for (String topic : List.of("late-a", "late-b", "late-c", "late-d")) {
      assertWorks(app, topic);
    }
  }
}
