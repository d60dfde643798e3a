/**
 * What applications use: the {@link io.ssekit.SseHub} that publishes events and opens streams,
 * the {@link io.ssekit.StreamSink} a stream writes to, the wire {@link io.ssekit.SseEncoder} and
 * the {@link io.ssekit.ProtocolEvents} names.
 *
 * <p>The values this package shares with the implementations below it (the event
 * {@link io.ssekit.spi.SseEvent}, the {@link io.ssekit.spi.Cursor} that makes every event id
 * resumable, the {@link io.ssekit.spi.Topics} rules) live in {@link io.ssekit.spi}, so that
 * packages depend one way: {@code io.ssekit} uses {@code io.ssekit.spi} and
 * {@code io.ssekit.internal}; {@code io.ssekit.internal} uses only {@code io.ssekit.spi};
 * {@code io.ssekit.spi} uses neither. Implementations of history, fanout, authentication and
 * keep-alive plug in through {@link io.ssekit.spi}; the servlet that serves streams over HTTP
 * lives in {@code sse-servlet}.
 *
 * <p>The wire protocol these produce (the opening of a stream, the cursor and its limits,
 * replay, {@code sse-reset} and the other {@link io.ssekit.ProtocolEvents}, keep-alive and how
 * streams end) is described in {@code docs/protocol.md} at the root of the source repository.
 */
package io.ssekit;
