package io.ssekit.history.redis;

import io.ssekit.spi.StoredEvent;

/**
 * An append whose event Redis stored, but fewer replicas than asked for confirmed it in time
 * ({@link RedisEventHistory.Builder#replicas}). The event is on the master: it may still be
 * replicated, kept and delivered, or be lost if the master fails before it is replicated.
 */
public final class ReplicationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient StoredEvent event;

  ReplicationException(StoredEvent event, String message) {
    super(message);
    this.event = event;
  }

  /** The event as the master stored it. */
  public StoredEvent event() {
    return event;
  }
}
