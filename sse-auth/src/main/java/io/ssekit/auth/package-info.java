/**
 * JWT authentication for ssekit streams and publishers, on nimbus-jose-jwt: {@link
 * JwtAuthenticator} with topic permissions, and short-lived stream tickets ({@link StreamTickets})
 * handed out by {@link TicketServlet}.
 */
package io.ssekit.auth;
