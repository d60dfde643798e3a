/**
 * What implementors write: {@link io.ssekit.spi.EventHistory}, {@link io.ssekit.spi.Fanout},
 * {@link io.ssekit.spi.Authenticator} and {@link io.ssekit.spi.KeepAlivePolicy}, each with a
 * numbered contract in its Javadoc, and the {@link io.ssekit.spi.Provider} interfaces through
 * which {@link java.util.ServiceLoader} finds implementations by name; and the values they speak,
 * which applications share: {@link io.ssekit.spi.SseEvent}, {@link io.ssekit.spi.Cursor},
 * {@link io.ssekit.spi.Topics}, {@link io.ssekit.spi.StoredEvent} and
 * {@link io.ssekit.spi.Replay}. Nothing here depends on {@code io.ssekit}, on
 * {@code io.ssekit.internal} or on the Servlet API: {@code io.ssekit} builds on this package,
 * never the other way round.
 *
 * <p>{@code sse-testkit} ships contract tests to extend for an implementation of your own:
 * {@code EventHistoryContract} for an {@code EventHistory}, {@code FanoutContract} for a
 * {@code Fanout}, and {@code HubContract}, which runs a history and a fanout together in an
 * {@link io.ssekit.SseHub}. {@code Authenticator} and {@code KeepAlivePolicy} have no kit.
 */
package io.ssekit.spi;
