package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ssekit.testkit.SseClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every answer of the sample app after which it closes the connection says {@code Connection:
 * close}; after any other, the connection carries the next request. Over raw HTTP/1.1: the
 * container's own errors and ssekit's short answers.
 */
class SampleConnectionCloseTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final List<String> problems = new ArrayList<>();
  private SampleApp app;
  private SseClient stream;

  @AfterEach
  void stop() {
    if (stream != null) {
      stream.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void everyAnswerKeepsItsConnectionOrSaysClose() throws Exception {
    app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", "0",
        "SSE_MAX_CONNECTIONS", "1")));
    check("GET /events?topic=%ZZ HTTP/1.1\r\nHost: localhost", "400");
    check("GET /events?topic=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost", "414");
    check("GET /events HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000), "431");
    check("GET /events HTTP/1.1 extra\r\nHost: localhost", "400");
    check("GET /events HTTP/1.1\r\nHost: localhost\r\nBad Header: x", "400");
    check("GET /events?topic=a%20b HTTP/1.1\r\nHost: localhost", "400");
    check("GET /nope HTTP/1.1\r\nHost: localhost", "404");
    check("DELETE /send HTTP/1.1\r\nHost: localhost", "405");
    stream = SseClient.open(HttpClient.newHttpClient(),
        URI.create("http://127.0.0.1:" + app.port() + "/events"));
    stream.awaitText("id: ", WAIT);
    check("GET /events HTTP/1.1\r\nHost: localhost", "200"); // sse-busy
    assertEquals(List.of(), problems);
  }

  @Test
  void aStreamLimitRefusalKeepsItsConnection() throws Exception {
    app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", "0",
        "SSE_MAX_STREAMS_PER_ADDRESS", "1", "SSE_STREAM_LIMIT_POLICY", "refuse-new")));
    stream = SseClient.open(HttpClient.newHttpClient(),
        URI.create("http://127.0.0.1:" + app.port() + "/events"));
    stream.awaitText("id: ", WAIT);
    check("GET /events HTTP/1.1\r\nHost: localhost", "200"); // sse-limit
    assertEquals(List.of(), problems);
  }

  /** Sends {@code head}; notes a problem unless the answer keeps its word about the connection. */
  private void check(String head, String status) throws IOException {
    String request = head.substring(0, Math.min(50, head.indexOf('\r'))) + "...";
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answer = RawHttp.readResponse(in);
      String head2 = answer.substring(0, answer.indexOf("\r\n\r\n"));
      if (!answer.startsWith("HTTP/1.1 " + status + " ")) {
        problems.add(request + ": " + head2);
      } else if (head2.toLowerCase(Locale.ROOT).contains("\r\nconnection: close")) {
        try {
          if (in.read() != -1) {
            problems.add(request + ": said close, sent more: " + head2);
          }
        } catch (IOException reset) {
          // Closed.
        }
      } else {
        try {
          out.write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          String next = RawHttp.readResponse(in);
          if (!next.startsWith("HTTP/1.1 200 ")) {
            problems.add(request + ": next request got " + next);
          }
        } catch (IOException closed) {
          problems.add(request + ": closed without Connection: close after " + head2);
        }
      }
    }
  }
}
