package io.ssekit.servlet;

import io.ssekit.auth.JwtAuthenticator;
import io.ssekit.auth.StreamTickets;
import io.ssekit.auth.TicketExchange;
import io.ssekit.internal.GuardedListener;
import io.ssekit.spi.SseListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * {@code POST /auth/ticket} (map it where you like): exchanges a valid token in the {@code
 * Authorization: Bearer} header for a {@linkplain StreamTickets stream ticket}, through {@link
 * JwtAuthenticator#exchangeForTicket}.
 *
 * <p>This servlet needs the {@code sse-auth} module on the class path, which this module takes as
 * an optional dependency; nothing else here uses it, so {@link SseServlet} runs without it.
 *
 * <p>The ticket may stream the topics the token may subscribe to; {@code ?topic=a&topic=b} narrows
 * it to those topics, each of which the token must allow. The answer is {@code 200
 * {"ticket":"...","expiresIn":30}} with {@code Cache-Control: no-store}; the client opens its
 * stream with {@code ?token=<ticket>} within {@code expiresIn} seconds.
 *
 * <p>Refusals are {@linkplain Problems problem details}: {@code 401} (with {@code
 * WWW-Authenticate}) for a missing, invalid or expired token (also one within the clock skew), or
 * a ticket offered in its place; {@code 403} for a topic the token may not subscribe to, or a
 * token that may subscribe to none; {@code 400} for an invalid topic; {@code 405} for any method
 * but {@code POST}. Cross-origin callers need the container's CORS support (for Jetty, {@code
 * CrossOriginHandler}) in front of this servlet.
 */
public class TicketServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient JwtAuthenticator authenticator;
  private final transient SseListener listener;

  /** A ticket endpoint for the tokens and tickets of {@code authenticator}. */
  public TicketServlet(JwtAuthenticator authenticator) {
    this(authenticator, SseListener.NONE);
  }

  /**
   * A ticket endpoint that tells {@code listener} of each ticket issued or refused, and of each
   * refusal of credentials.
   */
  public TicketServlet(JwtAuthenticator authenticator, SseListener listener) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.listener = GuardedListener.of(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!"POST".equals(request.getMethod())) {
      response.setHeader("Allow", "POST");
      Problems.send(response, 405, "method-not-allowed", "Method not allowed",
          request.getMethod() + " is not supported here; POST with a Bearer token");
      return;
    }
    String[] topics = request.getParameterValues("topic");
    TicketExchange exchange = authenticator.exchangeForTicket(request.getHeader("Authorization"),
        topics == null ? List.of() : List.of(topics));
    if (exchange instanceof TicketExchange.Refused refused) {
      listener.authRefused(refused.denied().status());
      listener.ticket(false);
      Problems.deny(response, refused.denied());
    } else if (exchange instanceof TicketExchange.InvalidTopic invalid) {
      listener.ticket(false);
      Problems.send(response, 400, "invalid-topic", "Invalid topic", invalid.message());
    } else {
      listener.ticket(true);
      byte[] body = ((TicketExchange.Issued) exchange).json().getBytes(StandardCharsets.UTF_8);
      response.setStatus(200);
      response.setContentType("application/json");
      response.setHeader("Cache-Control", "no-store");
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }
  }
}
