package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.testkit.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On SIGTERM every stream gets server-shutdown and the process exits 0 in time (README, "Quick
 * start"; docs/protocol.md, "Graceful shutdown").
 */
class SigtermTest {
  @Test
  void sigtermEndsEveryStreamWithServerShutdownAndExitsZero() throws Exception {
    int port = ChildApp.freePort();
    Process app = ChildApp.start(Map.of("PORT", Integer.toString(port),
        "SSE_SHUTDOWN_GRACE_MS", "2000"), List.of(), ProcessBuilder.Redirect.DISCARD);
    try {
      HttpClient http = HttpClient.newHttpClient();
      List<SseClient> streams = List.of(open(http, port), open(http, port));
      for (SseClient stream : streams) {
        stream.awaitText("id: ", Duration.ofSeconds(10));
      }

      long start = System.nanoTime();
      app.destroy(); // SIGTERM

      for (SseClient stream : streams) {
        stream.awaitEvent("server-shutdown", Duration.ofSeconds(5));
        stream.awaitEnd(Duration.ofSeconds(5));
      }
      assertTrue(app.waitFor(3, TimeUnit.SECONDS), "exits within the grace period plus 1 s");
      assertEquals(0, app.exitValue());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
    } finally {
      app.destroyForcibly();
    }
  }

  private static SseClient open(HttpClient http, int port) {
    return SseClient.open(http, URI.create("http://127.0.0.1:" + port + "/events"));
  }
}
