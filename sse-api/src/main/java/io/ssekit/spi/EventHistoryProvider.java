package io.ssekit.spi;

/** Finds and creates {@link EventHistory} implementations by name; see {@link Provider}. */
public interface EventHistoryProvider extends Provider<EventHistory> {}
