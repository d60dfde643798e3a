/**
 * What applications use: the {@link io.ssekit.SseHub} that publishes events and opens streams,
 * the event value {@link io.ssekit.SseEvent}, the wire {@link io.ssekit.SseEncoder}, the
 * {@link io.ssekit.Cursor} that makes every event id resumable, and the {@link io.ssekit.Topics}
 * rules.
 *
 * <p>Implementations of history, fanout, authentication and keep-alive plug in through
 * {@link io.ssekit.spi}; the servlet that serves streams over HTTP lives in {@code sse-servlet}.
 *
 * <p>The wire protocol these produce (the opening of a stream, the cursor and its limits,
 * replay, {@code sse-reset} and the other {@link io.ssekit.ProtocolEvents}, keep-alive and how
 * streams end) is described in {@code docs/protocol.md} at the root of the source repository.
 */
package io.ssekit;
