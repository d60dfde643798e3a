/**
 * ssekit on the Servlet API: {@code SseServlet}, its settings, and the stream-ticket endpoint
 * {@code TicketServlet}. {@code io.ssekit.auth} is optional: only {@code TicketServlet} needs it,
 * and an application that uses it has that module anyway.
 */
module io.ssekit.servlet {
  requires transitive io.ssekit.api;
  requires transitive jakarta.servlet;
  requires transitive static io.ssekit.auth;
  requires org.slf4j;

  exports io.ssekit.servlet;
}
