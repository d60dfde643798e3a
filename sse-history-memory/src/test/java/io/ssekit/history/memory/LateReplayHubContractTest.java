package io.ssekit.history.memory;

import io.ssekit.spi.Appended;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.IdempotencyKey;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import io.ssekit.testkit.HubContract;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The hub contract on a history that reads each replay 30 ms after it is asked, as a remote store
 * may: events published in between are counted in the replay's head and arrive live as well, and
 * streams must still get each of them exactly once.
 */
class LateReplayHubContractTest extends HubContract {
  private static final Executor LATER = CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS);

  @Override
  protected EventHistory newHistory() {
    EventHistory memory = MemoryEventHistory.builder().maxEventsPerTopic(10_000).build();
    return new EventHistory() {
      @Override
      public CompletionStage<StoredEvent> append(String topic, String name, String data) {
        return memory.append(topic, name, data);
      }

      @Override
      public CompletionStage<Appended> append(String topic, String name, String data,
          IdempotencyKey key) {
        return memory.append(topic, name, data, key);
      }

      @Override
      public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
        return CompletableFuture.runAsync(() -> { }, LATER)
            .thenCompose(later -> memory.replay(after, topics));
      }

      @Override
      public void close() {
        memory.close();
      }
    };
  }
}
