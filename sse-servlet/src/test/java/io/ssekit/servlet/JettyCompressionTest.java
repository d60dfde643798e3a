package io.ssekit.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.testkit.SseClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Behind Jetty's compression handler, with event streams compressed: each event still arrives as
 * soon as it is published, because every flush of the servlet flushes the compressor.
 */
class JettyCompressionTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void eachEventArrivesAtOnceThroughTheCompressor(HttpClient.Version protocol) throws Exception {
    // Keep-alives far apart: nothing but the events themselves can push them out.
    try (SseHub hub = SseHub.builder().history(MemoryEventHistory.builder().build()).build();
        TestServer server = TestServer.Jetty.startBehindGzip(SseServlet.builder().hub(hub)
            .keepAlive(Duration.ofMinutes(5)).build());
        SseClient client = SseClient.open(HttpClient.newBuilder().version(protocol).build(),
            server.uri("/events?topic=news"), Map.of("Accept-Encoding", "gzip"))) {
      assertEquals(protocol, client.version());
      assertEquals("gzip", client.headers().firstValue("content-encoding").orElseThrow(),
          "the stream is compressed");
      client.awaitText("id: ", WAIT);
      for (int i = 1; i <= 5; i++) {
        hub.publish("news", "update", "event " + i).toCompletableFuture().join();
        // The next event is published only once this one arrived.
        assertEquals("event " + i, client.awaitEvents(i, WAIT).get(i - 1).data());
      }
      assertTrue(client.text().startsWith(": ok\n\nid: "), client.text());
    }
  }
}
