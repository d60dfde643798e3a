package io.ssekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ssekit.spi.Appended;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.IdempotencyKey;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the hub checks and passes on of a publish's idempotency key. */
@Timeout(30)
class IdempotentPublishTest {
  private final List<SseHub> hubs = new ArrayList<>();

  @AfterEach
  void close() {
    hubs.forEach(SseHub::close);
  }

  private SseHub hub(EventHistory history, Duration window) {
    SseHub.Builder builder = SseHub.builder().history(history);
    if (window != null) {
      builder.idempotencyWindow(window);
    }
    SseHub hub = builder.build();
    hubs.add(hub);
    return hub;
  }

  @Test
  void aKeyOverTwoHundredFiftySixBytesIsRefusedNamingItBeforeAnythingIsStored() {
    KeyedHistory history = new KeyedHistory();
    SseHub hub = hub(history, null);
    String tooLong = "é".repeat(128) + "x"; // 257 bytes of UTF-8
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> hub.publish("t", null, "data", tooLong));
    assertEquals("idempotencyKey must be 1 to 256 bytes of UTF-8, was 257 bytes",
        refused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> hub.publish("t", null, "data", ""));
    assertEquals(List.of(), history.keys, "nothing reached the history");

    hub.publish("t", null, "data", "é".repeat(128)).toCompletableFuture().join();
    assertEquals(List.of(new IdempotencyKey("é".repeat(128), IdempotencyKey.DEFAULT_WINDOW)),
        history.keys, "256 bytes are taken, with the default window of 5 minutes");
  }

  @Test
  void theHubPassesItsWindowWithTheKeyAndAnswersTheFirstPublishsIdForARepeat() {
    KeyedHistory history = new KeyedHistory();
    SseHub hub = hub(history, Duration.ofSeconds(30));
    String id = hub.publish("t", "n", "d", "k").toCompletableFuture().join();
    history.repeatNext = true;
    assertEquals(id, hub.publish("t", "n", "other", "k").toCompletableFuture().join());
    assertEquals(List.of(new IdempotencyKey("k", Duration.ofSeconds(30)),
        new IdempotencyKey("k", Duration.ofSeconds(30))), history.keys);
    assertEquals(1, history.stored, "the repeat stored nothing");
  }

  @Test
  void theWindowMustBePositiveAndAtMostADay() {
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> SseHub.builder().idempotencyWindow(Duration.ZERO));
    assertEquals("idempotencyWindow must be positive and at most PT24H, was PT0S",
        zero.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SseHub.builder().idempotencyWindow(Duration.ofDays(2)));
  }

  @Test
  void aHistoryThatTakesNoKeysFailsTheKeyedPublish() {
    SseHub hub = hub(new ListHistory(), null);
    CompletionException failed = assertThrows(CompletionException.class,
        () -> hub.publish("t", null, "d", "k").toCompletableFuture().join());
    assertInstanceOf(UnsupportedOperationException.class, failed.getCause());
  }

  /** A {@link ListHistory} that records the keys it is given and can answer a repeat. */
  private static final class KeyedHistory implements EventHistory {
    final ListHistory events = new ListHistory();
    final List<IdempotencyKey> keys = new ArrayList<>();
    boolean repeatNext;
    int stored;
    StoredEvent last;

    @Override
    public CompletionStage<StoredEvent> append(String topic, String name, String data) {
      return events.append(topic, name, data);
    }

    @Override
    public synchronized CompletionStage<Appended> append(String topic, String name, String data,
        IdempotencyKey key) {
      keys.add(key);
      if (repeatNext) {
        return CompletableFuture.completedFuture(
            Appended.repeated(last.epoch(), topic, last.position()));
      }
      stored++;
      return events.append(topic, name, data).thenApply(event -> {
        last = event;
        return Appended.stored(event);
      });
    }

    @Override
    public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
      return events.replay(after, topics);
    }

    @Override
    public void close() {
      events.close();
    }
  }
}
