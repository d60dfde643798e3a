package io.ssekit.servlet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.spi.KeepAlivePolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The writer's turns and the pace it sets, with the container replaced by outputs whose speed
 * the test chooses: clients that take every byte at once, a client that takes nothing, and a
 * write that costs a fixed time, so that the writer, not a client, is the bottleneck.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StreamWriterTest {
  private static final byte[] GREETING = ": hello\n\n".getBytes(StandardCharsets.UTF_8);
  private static final int QUEUE_BOUND = 4096;

  private final Connections connections = new Connections(100,
      KeepAlivePolicy.every(Duration.ofMinutes(1)), Duration.ofSeconds(30), "test");
  private final SseHub hub =
      SseHub.builder().history(MemoryEventHistory.builder().build()).build();

  {
    // As SseServlet does: publishers go at the pace of the writers of its streams.
    hub.pacedBy(connections.writer());
  }

  @AfterEach
  void stop() {
    connections.shutdown(Duration.ofSeconds(1));
    hub.close();
  }

  @Test
  void aPublisherFasterThanTheWriterWaitsAndNoReaderIsDropped() throws Exception {
    List<FakeOutput> readers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      readers.add(open("pace", FakeOutput.reading(20_000)));
    }
    // A stalled client whose bound takes everything: were its stream to pace publishers while it
    // waits for its client, no publish would complete.
    FakeOutput stalled = open("pace", FakeOutput.stalled(), 1024 * 1024);

    // 800 KB per stream, published without waiting: 200 times the readers' queue bound, and each
    // write costs 20 µs, so only the pace the writer sets keeps their queues within the bound.
    String data = "x".repeat(150);
    int count = 4000;
    CompletableFuture<String> last = null;
    for (int i = 0; i < count; i++) {
      last = hub.publish("pace", null, data).toCompletableFuture();
    }
    last.get(60, TimeUnit.SECONDS);

    for (FakeOutput reader : readers) {
      await().atMost(Duration.ofSeconds(30)).until(() -> reader.events() == count);
      assertFalse(reader.completed.get(), "a reader that keeps up is never dropped");
    }
    assertFalse(stalled.completed.get());
    assertEquals(0, stalled.events(), "the stalled client read nothing, and paced nobody");
    assertNull(connections.writer().behind(), "the writers have caught up");
  }

  @Test
  void aClientThatMakesTheWriterWaitNowAndThenGetsEveryEventInOrderAndFlushed() throws Exception {
    List<FakeOutput> readers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      // Not ready after every third write; the "container" calls onWritePossible 200 µs later.
      readers.add(open("wait", FakeOutput.pausing(3), 1024 * 1024));
    }
    int count = 3000;
    CompletableFuture<String> last = null;
    for (int i = 0; i < count; i++) {
      last = hub.publish("wait", null, "event " + i).toCompletableFuture();
    }
    last.get(60, TimeUnit.SECONDS);
    for (FakeOutput reader : readers) {
      await().atMost(Duration.ofSeconds(30)).until(() -> reader.events() == count);
      assertFalse(reader.completed.get());
      await().atMost(Duration.ofSeconds(5)).until(() -> !reader.unflushed());
      String text = reader.text();
      int at = 0;
      for (int i = 0; i < count; i++) {
        at = text.indexOf("data: event " + i + "\n", at);
        assertTrue(at >= 0, "event " + i + " in order");
      }
    }
  }

  @Test
  void eventsQueuedWhileAWriteIsUnderWayGoOutInOneWrite() throws Exception {
    FakeOutput reader = open("batch", FakeOutput.holding(), 1024 * 1024);
    for (int i = 0; i < 200; i++) {
      hub.publish("batch", null, "e" + i);
    }
    reader.release();
    await().atMost(Duration.ofSeconds(30)).until(() -> reader.events() == 200);
    // The greeting, the held write (the start cursor, perhaps with some events), the rest.
    assertTrue(reader.writes() <= 3, "200 events took " + reader.writes() + " writes");
  }

  /** Opens a stream of {@code topic} on {@code output}, as {@code SseServlet} does. */
  private FakeOutput open(String topic, FakeOutput output) {
    return open(topic, output, QUEUE_BOUND);
  }

  private FakeOutput open(String topic, FakeOutput output, int queueBound) {
    SseConnection connection = output.open(connections, queueBound, GREETING);
    hub.subscribe(List.of(topic), null, connection);
    return output;
  }
}
