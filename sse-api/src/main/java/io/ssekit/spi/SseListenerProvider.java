package io.ssekit.spi;

/** Finds and creates {@link SseListener} implementations by name; see {@link Provider}. */
public interface SseListenerProvider extends Provider<SseListener> {}
