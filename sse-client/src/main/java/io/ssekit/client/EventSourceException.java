package io.ssekit.client;

import java.net.URI;
import java.util.OptionalInt;

/**
 * Why a connection of an {@link EventSource} failed, or why the source stopped.
 *
 * <p>{@link #willReconnect()} says whether the source tries again; when it does not, the source
 * is closed.
 */
public final class EventSourceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final URI uri;
  private final int status;
  private final boolean willReconnect;

  EventSourceException(URI uri, int status, boolean willReconnect, String message,
      Throwable cause) {
    super(message, cause);
    this.uri = uri;
    this.status = status;
    this.willReconnect = willReconnect;
  }

  /** The stream's address. */
  public URI uri() {
    return uri;
  }

  /** The HTTP status that refused the stream, when a response refused it. */
  public OptionalInt status() {
    return status > 0 ? OptionalInt.of(status) : OptionalInt.empty();
  }

  /** Whether the source connects again after this failure; if not, it is closed. */
  public boolean willReconnect() {
    return willReconnect;
  }
}
