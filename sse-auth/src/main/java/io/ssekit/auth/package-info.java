/**
 * JWT authentication for ssekit streams and publishers, on nimbus-jose-jwt: {@link
 * JwtAuthenticator} with topic permissions, and short-lived stream tickets ({@link StreamTickets})
 * that a token buys at a ticket endpoint ({@link JwtAuthenticator#exchangeForTicket}).
 *
 * <p>This package is plain Java on {@code io.ssekit.spi}: it knows no HTTP layer. The servlet
 * module serves streams with any {@link io.ssekit.spi.Authenticator}, this one included, and
 * offers the ticket endpoint on the Servlet API ({@code io.ssekit.servlet.TicketServlet}); another
 * HTTP layer calls {@link JwtAuthenticator#authenticate} and {@link
 * JwtAuthenticator#exchangeForTicket} and answers as {@link TicketExchange} says.
 */
package io.ssekit.auth;
