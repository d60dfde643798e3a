package io.ssekit.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlets.EventSource;
import org.eclipse.jetty.ee10.servlets.EventSourceServlet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against Jetty's own EventSourceServlet, the client is a plain EventSource. */
@Timeout(60)
class ForeignServerTest {
  @Test
  void readsJettysEventSourceServletAndReconnectsWhenItEndsAStream() throws Exception {
    AtomicInteger streams = new AtomicInteger();
    EventSourceServlet servlet = new EventSourceServlet() {
      @Override
      protected EventSource newEventSource(HttpServletRequest request) {
        int stream = streams.incrementAndGet();
        return new EventSource() {
          @Override
          public void onOpen(Emitter emitter) throws IOException {
            emitter.comment("hello " + stream);
            emitter.event("tick", "stream " + stream);
            emitter.data("two\nlines");
            if (stream == 1) {
              emitter.close();
            }
          }

          @Override
          public void onClose() {}
        };
      }
    };
    try (JettyServer jetty = JettyServer.start(servlet);
         io.ssekit.client.EventSource source = io.ssekit.client.EventSource
             .builder(jetty.uri("/events"))
             .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
             .build()) {
      RecordingListener listener = new RecordingListener();
      source.start(listener);
      await().atMost(Duration.ofSeconds(20)).until(() -> listener.events.size() == 4);
      assertEquals(List.of(new MessageEvent("tick", "stream 1", ""),
          new MessageEvent("message", "two\nlines", ""),
          new MessageEvent("tick", "stream 2", ""),
          new MessageEvent("message", "two\nlines", "")), listener.events);
      assertEquals(List.of("hello 1", "hello 2"), listener.comments);
      assertEquals(List.of("open 200", "event tick stream 1", "event message two\nlines",
          "open 200", "event tick stream 2", "event message two\nlines"), listener.log,
          "the end of a stream is no error");
    }
  }
}
