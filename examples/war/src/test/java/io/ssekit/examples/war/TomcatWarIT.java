package io.ssekit.examples.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.testkit.EventStreamParser.Event;
import io.ssekit.testkit.SseClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The example WAR on a standalone Tomcat 11 distribution, started with its own {@code
 * catalina.sh} and stopped with SIGTERM: streams, publishes through the publishing servlet,
 * resumes and the shutdown, over real sockets. The WAR configures everything in {@code web.xml}.
 * The last test stops Tomcat.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TomcatWarIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String CONTEXT = "/ssekit-example";
  private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

  private static StandaloneTomcat tomcat;
  private static HttpClient http;
  private final List<SseClient> clients = new ArrayList<>();

  @BeforeAll
  static void startTomcat() throws Exception {
    Path home = Path.of(System.getProperty("tomcat.home"));
    Path war = Path.of(System.getProperty("example.war"));
    Path base = Files.createTempDirectory(Path.of(System.getProperty("tomcat.home")).getParent(),
        "base-");
    tomcat = StandaloneTomcat.start(home, war, CONTEXT.substring(1), base, CONTEXT + "/publish");
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT)
        .build();
  }

  @AfterAll
  static void stopTomcat() {
    if (tomcat != null) {
      tomcat.stop();
      assertTrue(!tomcat.isAlive(), "Tomcat (pid " + tomcat.pid() + ") is still running");
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(SseClient::close);
  }

  @Test
  @Order(1)
  void aStreamOpensWithTheSettingsOfWebXml() {
    SseClient client = connect("?topic=greeting", Map.of());

    client.awaitText("\n\nid: ", WAIT);
    assertEquals(200, client.status());
    assertTrue(client.headers().firstValue("content-type").orElseThrow()
        .startsWith("text/event-stream"));
    assertEquals("no-cache", client.headers().firstValue("cache-control").orElseThrow());
    // retry=3s in web.xml.
    assertTrue(client.text().startsWith(": ok\n\nretry: 3000\n\nid: "), client.text());
  }

  @Test
  @Order(2)
  void eventsPublishedThroughThePublishingServletReachTheStream() throws Exception {
    SseClient client = connect("?topic=news", Map.of());
    client.awaitText("id: ", WAIT);

    String id = publish("news", "headline", "Deploy complete");
    publish("news", null, "grüße\nzwei Zeilen");

    List<Event> events = client.awaitEvents(2, WAIT);
    assertEquals(new Event("headline", "Deploy complete", id), events.get(0));
    assertEquals(new Event("message", "grüße\nzwei Zeilen", events.get(1).lastEventId()),
        events.get(1));
  }

  @Test
  @Order(3)
  void aClientResumingWithLastEventIdGetsExactlyWhatItMissedThenLiveEvents() throws Exception {
    SseClient first = connect("?topic=orders", Map.of());
    first.awaitText("id: ", WAIT);
    String seen = publish("orders", null, "o1");
    first.awaitEvents(1, WAIT);
    first.close();
    List<String> missed = new ArrayList<>();
    for (int i = 2; i <= 4; i++) {
      missed.add(publish("orders", null, "o" + i));
    }

    SseClient resumed = connect("?topic=orders", Map.of("Last-Event-ID", seen));
    List<Event> replayed = resumed.awaitEvents(3, WAIT);
    String live = publish("orders", null, "o5");

    List<Event> events = resumed.awaitEvents(4, WAIT);
    assertEquals(List.of("o2", "o3", "o4", "o5"), events.stream().map(Event::data).toList());
    assertEquals(missed, replayed.stream().map(Event::lastEventId).toList());
    assertEquals(live, events.get(3).lastEventId());
    assertTrue(events.stream().noneMatch(event -> event.type().startsWith("sse-")),
        "an exact replay, no reset: " + events);
  }

  @Test
  @Order(4)
  void theApplicationAnswersBadPublishesWith400() throws Exception {
    HttpResponse<String> badTopic = post("/publish?topic=a%20b", "x");
    assertEquals(400, badTopic.statusCode());
    assertTrue(badTopic.body().contains("\"status\":400"), badTopic.body());
    HttpResponse<String> badStream = http.send(HttpRequest.newBuilder(
        tomcat.uri(CONTEXT + "/events?topic=%0A")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, badStream.statusCode());
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void stoppingTomcatSendsServerShutdownToOpenStreams() {
    SseClient news = connect("?topic=news", Map.of());
    SseClient other = connect("?topic=a&topic=b", Map.of());
    news.awaitText("id: ", WAIT);
    other.awaitText("id: ", WAIT);

    assertTrue(tomcat.stop(), "Tomcat stopped by itself on SIGTERM:\n" + tomcat.console());

    for (SseClient client : List.of(news, other)) {
      Event shutdown = client.awaitEvent("server-shutdown", WAIT);
      client.awaitEnd(WAIT);
      // retry=3s, jittered up to half again.
      assertTrue(client.retry() >= 3000 && client.retry() <= 4500, "retry " + client.retry());
      assertEquals("{\"retry\":" + client.retry() + "}", shutdown.data());
    }
  }

  private SseClient connect(String query, Map<String, String> headers) {
    SseClient client = SseClient.open(http, tomcat.uri(CONTEXT + "/events" + query), headers);
    clients.add(client);
    return client;
  }

  /** Publishes through the example's publishing servlet; returns the assigned id. */
  private static String publish(String topic, String event, String data) throws Exception {
    HttpResponse<String> response = post("/publish?topic=" + topic
        + (event == null ? "" : "&event=" + event), data);
    assertEquals(200, response.statusCode(), response.body());
    Matcher id = ID.matcher(response.body());
    assertTrue(id.find(), response.body());
    assertTrue(response.body().endsWith(",\"topic\":\"" + topic + "\"}"), response.body());
    return id.group(1);
  }

  private static HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(tomcat.uri(CONTEXT + pathAndQuery))
        .header("Content-Type", "text/plain; charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
