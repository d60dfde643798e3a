package io.ssekit.auth;

import io.ssekit.spi.AuthResult;
import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of a request for a stream ticket ({@link JwtAuthenticator#exchangeForTicket}): a
 * ticket, a refusal, or a topic that is not a valid name. A ticket endpoint, whatever its HTTP
 * layer, answers each one as documented on it.
 */
public sealed interface TicketExchange {

  /**
   * A ticket was issued. Answer {@code 200} with {@link #json()} as an {@code application/json}
   * body and {@code Cache-Control: no-store}.
   *
   * @param ticket the ticket; a credential, never to be logged
   * @param expiresIn how long the client has to open its stream with it, in whole seconds
   */
  record Issued(StreamTickets.Ticket ticket, Duration expiresIn) implements TicketExchange {
    /** Checks both parts are present. */
    public Issued {
      Objects.requireNonNull(ticket, "ticket");
      Objects.requireNonNull(expiresIn, "expiresIn");
    }

    /** The answer's body: {@code {"ticket":"...","expiresIn":30}}. */
    public String json() {
      // A ticket is base64url and dots: nothing in it needs escaping in JSON.
      return "{\"ticket\":\"" + ticket.value() + "\",\"expiresIn\":" + expiresIn.toSeconds()
          + "}";
    }
  }

  /**
   * The token buys no ticket: answer {@code 401} with the {@code WWW-Authenticate} challenge of
   * {@code denied}, or {@code 403}, and its message as the detail.
   *
   * @param denied the refusal, as an {@link io.ssekit.spi.Authenticator} gives it
   */
  record Refused(AuthResult.Denied denied) implements TicketExchange {
    /** Checks the refusal is present. */
    public Refused {
      Objects.requireNonNull(denied, "denied");
    }
  }

  /**
   * A topic asked for is not a valid topic name: answer {@code 400} with {@code message} as the
   * detail.
   *
   * @param message what is wrong with it, for the client
   */
  record InvalidTopic(String message) implements TicketExchange {
    /** Checks the message is present. */
    public InvalidTopic {
      Objects.requireNonNull(message, "message");
    }
  }
}
