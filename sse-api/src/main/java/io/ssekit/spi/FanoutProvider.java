package io.ssekit.spi;

/** Finds and creates {@link Fanout} implementations by name; see {@link Provider}. */
public interface FanoutProvider extends Provider<Fanout> {}
