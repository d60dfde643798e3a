/**
 * What implementors write: {@link io.ssekit.spi.EventHistory}, {@link io.ssekit.spi.Fanout},
 * {@link io.ssekit.spi.Authenticator} and {@link io.ssekit.spi.KeepAlivePolicy}, each with a
 * numbered contract in its Javadoc that {@code sse-testkit} checks, and the
 * {@link io.ssekit.spi.Provider} interfaces through which {@link java.util.ServiceLoader} finds
 * implementations by name. Nothing here depends on the Servlet API.
 */
package io.ssekit.spi;
