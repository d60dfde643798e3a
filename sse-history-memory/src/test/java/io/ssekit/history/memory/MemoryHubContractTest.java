package io.ssekit.history.memory;

import io.ssekit.spi.EventHistory;
import io.ssekit.testkit.HubContract;

/** Streams on the in-memory history and the local fanout meet the hub contract. */
class MemoryHubContractTest extends HubContract {
  @Override
  protected EventHistory newHistory() {
    return MemoryEventHistory.builder().maxEventsPerTopic(10_000).build();
  }
}
