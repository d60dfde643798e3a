/**
 * ssekit on the Servlet API (Servlet 6, any container): {@link SseServlet} serves the streams of
 * an {@link io.ssekit.SseHub} with non-blocking output, configured by {@link ServletOptions};
 * {@link Problems} writes error answers as problem details, for ssekit's servlets and an
 * application's own.
 *
 * <p>{@link TicketServlet} is the stream-ticket endpoint of the {@code sse-auth} module's {@code
 * JwtAuthenticator}. That module is an optional dependency of this one: only {@link
 * TicketServlet} uses it, and an application that maps one has it on its class path anyway;
 * everything else here works without it, with any {@link io.ssekit.spi.Authenticator}.
 */
package io.ssekit.servlet;
