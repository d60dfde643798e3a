package io.ssekit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.DecodingSink.Frame;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Publishes go at the pace of the streams' writers (a registered {@code PublishPace}), waiting
 * before they start and in the order they came; a topic that waits never holds another back.
 */
@Timeout(30)
class PublishPaceTest {
  private SseHub hub;

  @AfterEach
  void close() {
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void whileThePaceIsBehindNewPublishesWaitInOrderAndGoOnWhenItCatchesUp() throws Exception {
    hub = SseHub.builder().history(new ListHistory()).build();
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("t", "u"), null, sink);
    CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    hub.pacedBy(() -> caughtUp.isDone() ? null : caughtUp);

    CompletableFuture<String> first = hub.publish("t", "a").toCompletableFuture();
    CompletableFuture<String> second = hub.publish("t", "b").toCompletableFuture();
    CompletableFuture<String> third = hub.publish("u", "c").toCompletableFuture();
    assertFalse(first.isDone() || second.isDone() || third.isDone(), "held before they start");
    assertTrue(sink.events().isEmpty());

    caughtUp.complete(null);
    first.get(5, TimeUnit.SECONDS);
    second.get(5, TimeUnit.SECONDS);
    third.get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> sink.events().size() == 3);
    assertEquals(List.of("a", "b", "c"), data(sink.events()), "in the order they came");
  }

  @Test
  void removingAPaceLetsThePublishesThatWaitedForItGoOn() throws Exception {
    hub = SseHub.builder().history(new ListHistory()).build();
    CompletableFuture<Void> never = new CompletableFuture<>();
    AutoCloseable pace = hub.pacedBy(() -> never);
    CompletableFuture<String> held = hub.publish("t", "a").toCompletableFuture();
    assertFalse(held.isDone());
    pace.close();
    held.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aTopicWaitingForItsHistoryNeverHoldsAnotherTopicBack() throws Exception {
    HeldAppends history = new HeldAppends("slow");
    hub = SseHub.builder().history(history).build();
    DecodingSink sink = new DecodingSink();
    hub.subscribe(List.of("fast"), null, sink);

    CompletableFuture<String> slow = hub.publish("slow", "s").toCompletableFuture();
    CompletableFuture<String> slowNext = hub.publish("slow", "s2").toCompletableFuture();
    // Many topics, so that some would share any fixed set of ordering stripes with "slow".
    for (int i = 0; i < 200; i++) {
      hub.publish("fast/" + i, "f").toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    hub.publish("fast", "f").toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> data(sink.events()).equals(List.of("f")));
    assertFalse(slow.isDone() || slowNext.isDone(), "the slow topic still waits for its history");

    history.release();
    slow.get(5, TimeUnit.SECONDS);
    slowNext.get(5, TimeUnit.SECONDS);
  }

  private static List<String> data(List<Frame> frames) {
    return frames.stream().map(Frame::data).toList();
  }

  /** A history whose appends of one topic wait until released. */
  private static final class HeldAppends implements EventHistory {
    private final ListHistory memory = new ListHistory();
    private final String heldTopic;
    private final CompletableFuture<Void> gate = new CompletableFuture<>();

    HeldAppends(String heldTopic) {
      this.heldTopic = heldTopic;
    }

    void release() {
      gate.complete(null);
    }

    @Override
    public CompletionStage<StoredEvent> append(String topic, String name, String data) {
      return topic.equals(heldTopic)
          ? gate.thenCompose(open -> memory.append(topic, name, data))
          : memory.append(topic, name, data);
    }

    @Override
    public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
      return memory.replay(after, topics);
    }

    @Override
    public void close() {
      memory.close();
    }
  }
}
