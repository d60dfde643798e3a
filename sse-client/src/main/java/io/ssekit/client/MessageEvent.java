package io.ssekit.client;

import java.util.Objects;

/**
 * One event of a stream, as the WHATWG rules dispatch it.
 *
 * @param type the event's name: its {@code event:} field, or {@code message} when it had none
 * @param data its {@code data:} lines joined with {@code \n}
 * @param lastEventId the source's last event id once this event arrived (its {@code id:}, or the
 *     one before it when it had none); empty when there is none
 */
public record MessageEvent(String type, String data, String lastEventId) {
  /** The type of an event that has no {@code event:} field. */
  public static final String DEFAULT_TYPE = "message";

  /** Checks that no component is null. */
  public MessageEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(lastEventId, "lastEventId");
  }
}
