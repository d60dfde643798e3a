/**
 * {@link io.ssekit.history.memory.MemoryEventHistory}: the in-process
 * {@link io.ssekit.spi.EventHistory}, for a single instance. Registered as provider
 * {@code memory}.
 */
package io.ssekit.history.memory;
