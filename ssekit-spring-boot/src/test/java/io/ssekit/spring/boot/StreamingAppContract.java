package io.ssekit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssekit.ProtocolEvents;
import io.ssekit.spring.boot.app.StreamApp;
import io.ssekit.testkit.EventStreamParser.Event;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Boot application with the starter on a real web server, over real sockets: streams,
 * publishes from a controller through the injected hub, resumes with {@code Last-Event-ID}, and
 * ends open streams with {@code server-shutdown} when its context closes. Each subclass runs it
 * on one web server.
 */
@SpringBootTest(classes = StreamApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.endpoint.health.show-components=always")
abstract class StreamingAppContract {
  static final Duration WAIT = Duration.ofSeconds(10);

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<SseClient> clients = new ArrayList<>();

  @LocalServerPort
  int port;

  @Autowired
  WebServerApplicationContext context;

  /** How the simple name of the class of the web server the subclass expects Boot to start begins. */
  abstract String webServer();

  @AfterEach
  void closeClients() {
    clients.forEach(SseClient::close);
  }

  @Test
  void runsOnTheExpectedWebServer() {
    assertThat(context.getWebServer().getClass().getSimpleName()).startsWith(webServer());
  }

  @Test
  void streamsWhatTheControllerPublishesAndResumesExactlyAfterLastEventId() throws Exception {
    SseClient first = open(port, "/events?topic=news", Map.of());
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).get().asString()
        .startsWith("text/event-stream");
    List<String> ids = new ArrayList<>();
    for (String data : List.of("one", "two", "three")) {
      ids.add(publish(port, "news", data));
    }
    List<Event> received = first.awaitEvents(3, WAIT);
    assertThat(received).extracting(Event::data).containsExactly("one", "two", "three");
    assertThat(received).extracting(Event::type).containsOnly("note");
    assertThat(received).extracting(Event::lastEventId).containsExactlyElementsOf(ids);
    first.close();

    String four = publish(port, "news", "four");
    publish(port, "news", "five");
    SseClient resumed = open(port, "/events?topic=news", Map.of("Last-Event-ID", ids.get(2)));
    resumed.awaitEvents(2, WAIT);
    publish(port, "news", "six");
    List<Event> replayedThenLive = resumed.awaitEvents(3, WAIT);
    assertThat(replayedThenLive).extracting(Event::data).containsExactly("four", "five", "six");
    assertThat(replayedThenLive.get(0).lastEventId()).isEqualTo(four);
    // nothing more: no duplicate, no sse-reset
    publish(port, "news", "seven");
    resumed.awaitEvents(4, WAIT);
    assertThat(resumed.events()).extracting(Event::data)
        .containsExactly("four", "five", "six", "seven");
  }

  @Test
  void actuatorHealthHasTheSsekitContributor() throws Exception {
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"ssekit\":{\"status\":\"UP\"");
  }

  @Test
  void closingTheContextSendsServerShutdownToOpenStreams() throws Exception {
    closingSendsServerShutdown("server.shutdown=immediate");
  }

  @Test
  void closingTheContextWithGracefulShutdownSendsServerShutdownToOpenStreams() throws Exception {
    closingSendsServerShutdown("server.shutdown=graceful");
  }

  private void closingSendsServerShutdown(String shutdown) throws Exception {
    ConfigurableApplicationContext app = new SpringApplicationBuilder(StreamApp.class)
        .properties("server.port=0", shutdown, "ssekit.shutdown-grace=2s",
            "spring.lifecycle.timeout-per-shutdown-phase=20s")
        .run();
    try {
      int appPort = ((WebServerApplicationContext) app).getWebServer().getPort();
      SseClient stream = open(appPort, "/events?topic=bye", Map.of());
      assertThat(stream.status()).isEqualTo(200);
      publish(appPort, "bye", "before");
      stream.awaitEvents(1, WAIT);
      app.close();
      Event last = stream.awaitEvent(ProtocolEvents.SHUTDOWN, WAIT);
      assertThat(last.type()).isEqualTo("server-shutdown");
      stream.awaitEnd(WAIT);
      assertThat(stream.retry()).isNotNull();
    } finally {
      app.close();
    }
  }

  SseClient open(int to, String path, Map<String, String> headers) {
    SseClient client = SseClient.open(http, URI.create("http://127.0.0.1:" + to + path), headers);
    clients.add(client);
    return client;
  }

  String publish(int to, String topic, String data) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + to + "/publish?topic=" + topic))
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(data)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String body = response.body();
    return body.substring(body.indexOf(":\"") + 2, body.lastIndexOf('"'));
  }
}
