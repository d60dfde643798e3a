package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code SSE_MAX_ACCEPTS_PER_SECOND} (README, "The sample app"; "Surviving a reconnect storm"):
 * over the rate the server stops accepting for a while, so a burst of new connections waits in
 * the kernel's queue, and a connection that was open before the burst is served meanwhile.
 */
class SampleAcceptRateTest {
  private static final int RATE = 5;
  private static final int BURST = 40;

  @Test
  void aBurstOfNewConnectionsWaitsItsTurnWhileAnOpenConnectionIsServed() throws Exception {
    AtomicInteger answered = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(BURST);
    try (SampleApp app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", "0",
            "SSE_MAX_ACCEPTS_PER_SECOND", Integer.toString(RATE))));
        Socket open = new Socket("127.0.0.1", app.port())) {
      assertTrue(health(open).startsWith("HTTP/1.1 200"), "the open connection is served");

      long start = System.nanoTime();
      List<Future<String>> burst = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        burst.add(clients.submit(() -> {
          try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(60_000);
            String answer = health(socket);
            answered.incrementAndGet();
            return answer;
          }
        }));
      }
      // Some of the burst get in at once, then the server stops accepting.
      while (answered.get() == 0) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      String meanwhile = health(open);
      int answeredMeanwhile = answered.get();

      for (Future<String> each : burst) {
        assertTrue(each.get(60, TimeUnit.SECONDS).startsWith("HTTP/1.1 200"));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(meanwhile.startsWith("HTTP/1.1 200"), meanwhile);
      assertTrue(answeredMeanwhile < BURST, "the open connection was answered while "
          + (BURST - answeredMeanwhile) + " new ones waited to be accepted");
      // 40 connections at 5 a second (and the one before them) take about 7 s; without the
      // limit, milliseconds.
      assertTrue(seconds >= 4, "the burst was accepted in " + seconds + " s");
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void theRateIsAWholeNumberFromOne() {
    assertEquals(Optional.of(2000), AppConfig.fromEnvironment(
        Map.of("SSE_MAX_ACCEPTS_PER_SECOND", "2000")).maxAcceptsPerSecond());
    assertEquals(Optional.empty(), AppConfig.fromEnvironment(Map.of()).maxAcceptsPerSecond());
    assertEquals("SSE_MAX_ACCEPTS_PER_SECOND must be a whole number from 1 to 2147483647,"
        + " was '0'", assertThrows(IllegalArgumentException.class, () -> AppConfig
            .fromEnvironment(Map.of("SSE_MAX_ACCEPTS_PER_SECOND", "0"))).getMessage());
  }

  /** {@code GET /health/live} on {@code socket}, kept open; the answer's head and body. */
  private static String health(Socket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    return RawHttp.readResponse(in);
  }
}
