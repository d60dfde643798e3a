/** The in-process event history, on Caffeine: provider {@code memory}. */
module io.ssekit.history.memory {
  requires transitive io.ssekit.api;
  requires com.github.benmanes.caffeine;

  exports io.ssekit.history.memory;

  provides io.ssekit.spi.EventHistoryProvider
      with io.ssekit.history.memory.MemoryEventHistoryProvider;
}
