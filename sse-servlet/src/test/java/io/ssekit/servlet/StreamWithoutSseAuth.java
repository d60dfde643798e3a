package io.ssekit.servlet;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.testkit.SseClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A stream served by {@link SseServlet} on Jetty, from its opening to its first event; {@link
 * WithoutSseAuthTest} runs it in a class loader that has no {@code sse-auth}.
 */
final class StreamWithoutSseAuth implements Callable<String> {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** The stream's status and the data of the event published to it, as {@code "200 hello"}. */
  @Override
  public String call() throws Exception {
    try (SseHub hub = SseHub.builder().history(MemoryEventHistory.builder().build()).build();
        TestServer server = TestServer.Jetty.start(SseServlet.builder().hub(hub).build())) {
      SseClient client = SseClient.open(HttpClient.newHttpClient(),
          server.uri("/events?topic=news"));
      try {
        client.awaitText("id: ", WAIT);
        hub.publish("news", "note", "hello").toCompletableFuture().join();
        return client.status() + " " + client.awaitEvent("note", WAIT).data();
      } finally {
        client.close();
      }
    }
  }
}
