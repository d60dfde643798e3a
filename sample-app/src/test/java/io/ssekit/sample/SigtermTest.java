package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.testkit.SseClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SPEC §7: on SIGTERM every stream gets server-shutdown and the process exits 0 in time. */
class SigtermTest {
  @Test
  void sigtermEndsEveryStreamWithServerShutdownAndExitsZero() throws Exception {
    int port = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SampleApp.class.getName());
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("SSE_SHUTDOWN_GRACE_MS", "2000");
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process app = builder.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      List<SseClient> streams = List.of(openWhenUp(http, port), openWhenUp(http, port));
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

  private static SseClient openWhenUp(HttpClient http, int port) throws InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + port + "/events");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return SseClient.open(http, uri);
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        TimeUnit.MILLISECONDS.sleep(100); // polling for the child JVM to listen
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
