package io.ssekit.history.memory;

import io.ssekit.spi.EventHistory;
import io.ssekit.testkit.EventHistoryContract;
import java.time.Duration;

/** The in-memory history meets the history contract; a lost state is a new instance. */
class MemoryEventHistoryContractTest extends EventHistoryContract {
  @Override
  protected EventHistory newHistory(int maxEventsPerTopic, Duration maxAge) {
    return MemoryEventHistory.builder().maxEventsPerTopic(maxEventsPerTopic).maxAge(maxAge).build();
  }

  @Override
  protected EventHistory afterLoss(EventHistory history) {
    history.close();
    return MemoryEventHistory.create();
  }
}
