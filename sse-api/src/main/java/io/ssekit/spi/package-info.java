/**
 * What implementors write: {@link io.ssekit.spi.EventHistory}, {@link io.ssekit.spi.Fanout},
 * {@link io.ssekit.spi.Authenticator} and {@link io.ssekit.spi.KeepAlivePolicy}, each with its
 * contract in its Javadoc, and the {@link io.ssekit.spi.Provider} interfaces through which
 * {@link java.util.ServiceLoader} finds implementations by name. {@code sse-testkit} ships
 * contract tests for {@code EventHistory} and {@code Fanout}, which number their clauses; the
 * other two have none. Nothing here depends on the Servlet API.
 */
package io.ssekit.spi;
