package io.ssekit.auth;

import io.ssekit.Topics;
import io.ssekit.servlet.Problems;
import io.ssekit.spi.AuthRequest;
import io.ssekit.spi.AuthResult;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /auth/ticket} (map it where you like): exchanges a valid token in the {@code
 * Authorization: Bearer} header for a {@link StreamTickets stream ticket}.
 *
 * <p>The ticket may stream the topics the token may subscribe to; {@code ?topic=a&topic=b} narrows
 * it to those topics, each of which the token must allow. The answer is {@code 200
 * {"ticket":"...","expiresIn":30}} with {@code Cache-Control: no-store}; the client opens its
 * stream with {@code ?token=<ticket>} within {@code expiresIn} seconds.
 *
 * <p>Refusals are problem details: {@code 401} (with {@code WWW-Authenticate}) for a missing,
 * invalid or expired token (also one within the clock skew), or a ticket offered in its place;
 * {@code 403} for a topic the token may not subscribe to, or a token that may subscribe to none; {@code 400} for an invalid topic; {@code
 * 405} for any method but {@code POST}. Cross-origin callers need the container's CORS support
 * (for Jetty, {@code CrossOriginHandler}) in front of this servlet.
 */
public class TicketServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient JwtAuthenticator authenticator;

  /** A ticket endpoint for the tokens and tickets of {@code authenticator}. */
  public TicketServlet(JwtAuthenticator authenticator) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
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
    AuthResult result = authenticator.authenticate(new BearerOnly(request))
        .toCompletableFuture().join();
    if (result instanceof AuthResult.Denied denied) {
      Problems.deny(response, denied);
      return;
    }
    JwtPrincipal principal = (JwtPrincipal) ((AuthResult.Granted) result).principal();
    if (!principal.expires().isAfter(Instant.now())) {
      // Accepted within the clock skew, but a stream opened with it would close at once.
      Problems.deny(response, new AuthResult.Denied(401, JwtAuthenticator.INVALID,
          "the token has expired; fetch a fresh one"));
      return;
    }
    Optional<TopicPatterns> asked;
    try {
      asked = requested(request);
    } catch (IllegalArgumentException e) {
      Problems.send(response, 400, "invalid-topic", "Invalid topic", e.getMessage());
      return;
    }
    for (String topic : asked.map(TopicPatterns::patterns).orElse(List.of())) {
      if (!principal.maySubscribe(topic)) {
        Problems.send(response, 403, "forbidden", "Forbidden",
            "not allowed to subscribe to topic '" + topic + "'");
        return;
      }
    }
    TopicPatterns topics = asked.orElse(principal.subscribe());
    if (topics.patterns().isEmpty()) {
      Problems.send(response, 403, "forbidden", "Forbidden",
          "the token may not subscribe to any topic");
      return;
    }
    StreamTickets.Ticket ticket = authenticator.tickets().issue(principal, topics);
    long left = ticket.expiresAt().toEpochMilli() - System.currentTimeMillis();
    long expiresIn = Math.min(authenticator.tickets().lifetime().toSeconds(),
        Math.max(0, (left + 999) / 1000));
    // A ticket is base64url and dots: nothing in it needs escaping in JSON.
    byte[] body = ("{\"ticket\":\"" + ticket.value() + "\",\"expiresIn\":" + expiresIn + "}")
        .getBytes(StandardCharsets.US_ASCII);
    response.setStatus(200);
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** The topics asked for with {@code ?topic=}, as exact patterns; empty when none are. */
  private static Optional<TopicPatterns> requested(HttpServletRequest request) {
    String[] values = request.getParameterValues("topic");
    if (values == null || values.length == 0) {
      return Optional.empty();
    }
    return Optional.of(TopicPatterns.of(
        List.copyOf(Topics.requireValidSet(Arrays.asList(values)))));
  }

  /** The request as the authenticator sees it here: the {@code Authorization} header only. */
  private record BearerOnly(HttpServletRequest request) implements AuthRequest {
    @Override
    public Optional<String> header(String name) {
      return name.equalsIgnoreCase("Authorization")
          ? Optional.ofNullable(request.getHeader(name)) : Optional.empty();
    }

    @Override
    public Optional<String> cookie(String name) {
      return Optional.empty();
    }

    @Override
    public Optional<String> queryParameter(String name) {
      return Optional.empty();
    }

    @Override
    public String remoteAddress() {
      return request.getRemoteAddr();
    }

    @Override
    public String toString() {
      return "AuthRequest[" + request.getRemoteAddr() + "]";
    }
  }
}
