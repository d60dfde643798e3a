package io.ssekit.spi;

/** Finds and creates {@link KeepAlivePolicy} implementations by name; see {@link Provider}. */
public interface KeepAlivePolicyProvider extends Provider<KeepAlivePolicy> {}
