/**
 * Implementation details of {@code sse-api}; not an API, free to change between versions. It uses
 * {@link io.ssekit.spi} and nothing of {@code io.ssekit}. The module exports it only to
 * {@code io.ssekit.servlet}, which shares the hub's thread factory.
 */
package io.ssekit.internal;
