package io.ssekit.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssekit.testkit.EventStreamParser.Event;
import io.ssekit.testkit.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NewsApplicationTest {
  @LocalServerPort
  int port;

  @Test
  void whatIsPostedToNewsReachesTheStream() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (SseClient stream = SseClient.open(http,
        URI.create("http://127.0.0.1:" + port + "/events?topic=news"))) {
      assertThat(stream.status()).isEqualTo(200);
      HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/news"))
          .POST(HttpRequest.BodyPublishers.ofString("hello")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).isEqualTo(200);
      Event event = stream.awaitEvent("news", Duration.ofSeconds(10));
      assertThat(event.data()).isEqualTo("hello");
      assertThat(posted.body()).contains(event.lastEventId());
      assertThat(stream.retry()).isEqualTo(3000L);
    }
  }
}
