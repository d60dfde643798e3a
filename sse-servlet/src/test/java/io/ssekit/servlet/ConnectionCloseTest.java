package io.ssekit.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.spi.AuthResult;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every answer after which the server closes the connection says {@code Connection: close}; every
 * other one leaves the connection usable for the next request ({@code docs/protocol.md}, "Errors
 * before the stream"). Over raw HTTP/1.1, on each container by the subclasses: ssekit's own short
 * answers and the container's answers to requests it cannot take.
 */
abstract class ConnectionCloseTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private TestServer server;

  abstract TestServer startServer(HttpServlet servlet) throws Exception;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private void start(SseServlet.Builder builder) throws Exception {
    SseHub hub = SseHub.builder().history(MemoryEventHistory.builder().build()).build();
    resources.add(hub);
    server = startServer(builder.hub(hub).build());
    resources.add(server);
  }

  /**
   * Sends {@code head}, reads the answer, and checks that the connection then either carries a
   * next request or was announced closed.
   */
  private void answerKeepsItsWord(String head, String... expectedStatus) throws Exception {
    String request = head.substring(0, Math.min(60, head.indexOf('\r'))) + "...";
    try (RawConnection connection = RawConnection.open(server.uri("/"), "127.0.0.1")) {
      String answer = connection.send(head).awaitResponse(WAIT);
      String status = answer.substring(9, 12);
      if (!List.of(expectedStatus).contains(status)) {
        problems.add(request + ": status " + status + " in " + shorten(answer));
      } else if (answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n")) {
        if (!connection.closedByServer(WAIT)) {
          problems.add(request + ": said close but stayed open: " + shorten(answer));
        }
      } else {
        String next = "";
        try {
          next = connection.send("OPTIONS /events HTTP/1.1\r\nHost: localhost")
              .awaitResponse(WAIT);
        } catch (AssertionError | IOException closed) {
          // Reported below.
        }
        if (!next.startsWith("HTTP/1.1 204 ")) {
          problems.add(request + ": closed without Connection: close after " + shorten(answer));
        }
      }
    }
  }

  private static String shorten(String text) {
    return text.length() > 600 ? text.substring(0, 600) + "..." : text;
  }

  @Test
  void ssekitsShortAnswersKeepTheConnectionOrSayClose() throws Exception {
    start(SseServlet.builder().maxConnections(1).authenticator(request ->
        CompletableFuture.completedFuture(request.queryParameter("deny").isPresent()
            ? AuthResult.unauthenticated("Bearer", "no") : AuthResult.granted(
                io.ssekit.spi.SsePrincipal.ANONYMOUS))));
    answerKeepsItsWord("GET /events?topic=a%20b HTTP/1.1\r\nHost: localhost", "400");
    answerKeepsItsWord("DELETE /events HTTP/1.1\r\nHost: localhost", "405");
    answerKeepsItsWord("GET /events?deny=1 HTTP/1.1\r\nHost: localhost", "401");
    try (RawConnection holder = RawConnection.open(server.uri("/"), "127.0.0.1")) {
      holder.get("/events").awaitText("id: ", WAIT);
      answerKeepsItsWord("GET /events HTTP/1.1\r\nHost: localhost", "200");
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theContainersOwnErrorsKeepTheConnectionOrSayClose() throws Exception {
    start(SseServlet.builder());
    answerKeepsItsWord("GET /events?topic=%ZZ HTTP/1.1\r\nHost: localhost", "400");
    answerKeepsItsWord("GET /events?topic=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost",
        "414", "400");
    answerKeepsItsWord("GET /events HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000),
        "431", "400");
    answerKeepsItsWord("GET /events HTTP/1.1 extra\r\nHost: localhost", "400");
    answerKeepsItsWord("GET /events HTTP/1.1\r\nHost: localhost\r\nBad Header: x", "400");
    assertEquals(List.of(), problems);
  }
}
