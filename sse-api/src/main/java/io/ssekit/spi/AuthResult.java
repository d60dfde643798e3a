package io.ssekit.spi;

import java.util.Objects;

/**
 * What an {@link Authenticator} decided: a principal, or a rejection that becomes a {@code 401}
 * or {@code 403} answer.
 */
public sealed interface AuthResult {

  /** The request acts for {@code principal}. */
  record Granted(SsePrincipal principal) implements AuthResult {
    /** Checks the principal is present. */
    public Granted {
      Objects.requireNonNull(principal, "principal");
    }
  }

  /**
   * The request is refused.
   *
   * @param status {@code 401} (no or bad credentials) or {@code 403} (not allowed)
   * @param challenge the {@code WWW-Authenticate} header value for a {@code 401}, or {@code null}
   * @param message a short reason for the client; must not contain credentials
   */
  record Denied(int status, String challenge, String message) implements AuthResult {
    /** Checks the status is 401 or 403 and the message is present. */
    public Denied {
      if (status != 401 && status != 403) {
        throw new IllegalArgumentException("status must be 401 or 403, was " + status);
      }
      Objects.requireNonNull(message, "message");
    }
  }

  /** A grant for {@code principal}. */
  static AuthResult granted(SsePrincipal principal) {
    return new Granted(principal);
  }

  /** A {@code 401} with the given challenge (for example {@code Bearer}). */
  static AuthResult unauthenticated(String challenge, String message) {
    return new Denied(401, Objects.requireNonNull(challenge, "challenge"), message);
  }

  /** A {@code 403}. */
  static AuthResult forbidden(String message) {
    return new Denied(403, null, message);
  }
}
