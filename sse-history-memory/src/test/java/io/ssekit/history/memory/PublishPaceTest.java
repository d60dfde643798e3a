package io.ssekit.history.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ssekit.SseHub;
import io.ssekit.StreamSink;
import io.ssekit.testkit.RecordingSink;
import io.ssekit.testkit.RecordingSink.Frame;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A local publish completes when the streams it went to have room (StreamSink clause 5). */
class PublishPaceTest {
  private final SseHub hub =
      SseHub.builder().history(MemoryEventHistory.builder().build()).build();

  @AfterEach
  void close() {
    hub.close();
  }

  @Test
  void aPublishCompletesWhenItsStreamsHaveRoomAndTheNextOfItsTopicWaitsForThat() throws Exception {
    PacedSink behind = new PacedSink();
    hub.subscribe(List.of("t"), null, behind);
    RecordingSink other = new RecordingSink();
    hub.subscribe(List.of("u"), null, other);

    behind.room = new CompletableFuture<>();
    CompletableFuture<String> first = hub.publish("t", "a").toCompletableFuture();
    CompletableFuture<String> second = hub.publish("t", "b").toCompletableFuture();
    CompletableFuture<String> elsewhere = hub.publish("u", "c").toCompletableFuture();

    assertEquals(List.of("a"), data(behind.recorded.events()), "queued, then held");
    assertFalse(first.isDone(), "the first publish waits for room");
    assertFalse(second.isDone(), "the next publish of the topic waits for it");
    // Another topic (of another ordering stripe) whose streams have room is not held.
    elsewhere.get(5, TimeUnit.SECONDS);
    assertEquals(List.of("c"), data(other.events()));

    CompletableFuture<Void> room = behind.room;
    behind.room = null;
    room.complete(null);
    first.get(5, TimeUnit.SECONDS);
    second.get(5, TimeUnit.SECONDS);
    assertEquals(List.of("a", "b"), data(behind.recorded.events()));
  }

  private static List<String> data(List<Frame> frames) {
    return frames.stream().map(Frame::data).toList();
  }

  /** A sink whose writer is behind while {@link #room} is set. */
  private static final class PacedSink implements StreamSink {
    final RecordingSink recorded = new RecordingSink();
    volatile CompletableFuture<Void> room;

    @Override
    public boolean offer(byte[] head, byte[] body) {
      return recorded.offer(head, body);
    }

    @Override
    public void end() {
      recorded.end();
    }

    @Override
    public CompletionStage<Void> room() {
      CompletableFuture<Void> wait = room;
      return wait == null ? HAS_ROOM : wait;
    }
  }
}
