package io.ssekit.spi;

import java.util.Optional;

/**
 * The parts of an HTTP request an {@link Authenticator} may look at, without the Servlet API.
 * Values are as the client sent them: untrusted.
 */
public interface AuthRequest {
  /** The first value of a header, matched without regard to case. */
  Optional<String> header(String name);

  /** The value of a cookie. */
  Optional<String> cookie(String name);

  /** The first value of a query parameter. */
  Optional<String> queryParameter(String name);

  /** The client's address as the container sees it. */
  String remoteAddress();

  /**
   * Whether the request opens an event stream. Credentials meant for streams only (such as
   * short-lived tickets in the query string) are refused on any other request.
   */
  default boolean opensStream() {
    return false;
  }
}
