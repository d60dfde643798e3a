package io.ssekit.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * One Server-Sent Event as it goes on the wire: an optional id, an optional event name, the data
 * and an optional reconnection hint.
 *
 * <p>An instance can always be written: the compact constructor refuses what the protocol cannot
 * carry, so no value of this type can inject a field or an event into a stream.
 * <ul>
 *   <li>{@code id} must not contain CR, LF or NUL (a browser would ignore or split it);</li>
 *   <li>{@code name} must not contain CR or LF;</li>
 *   <li>{@code data} is any text, including the empty string; its line breaks ({@code \r\n},
 *       {@code \r}, {@code \n}) are written as separate {@code data:} lines, so the client sees
 *       them normalised to {@code \n};</li>
 *   <li>{@code retry} must not be negative.</li>
 * </ul>
 *
 * <p>Applications do not set ids: they publish through
 * {@link io.ssekit.SseHub#publish(String, String, String)} and the history assigns the id.
 *
 * @param id the event id, or {@code null} for none
 * @param name the event name ({@code event:} field), or {@code null} for the default {@code message}
 * @param data the event data, never {@code null}
 * @param retry the reconnection time hint, or {@code null} for none
 */
public record SseEvent(String id, String name, String data, Duration retry) {

  /** Validates every field; see the class comment for the rules. */
  public SseEvent {
    if (id != null) {
      requireWritableId(id);
    }
    if (name != null) {
      requireWritableName(name);
    }
    Objects.requireNonNull(data, "data must not be null (use \"\" for an empty event)");
    if (retry != null && retry.isNegative()) {
      throw new IllegalArgumentException("retry must not be negative, was " + retry);
    }
  }

  /** An unnamed event (dispatched as {@code message}) with the given data. */
  public static SseEvent of(String data) {
    return new SseEvent(null, null, data, null);
  }

  /** A named event with the given data. */
  public static SseEvent named(String name, String data) {
    return new SseEvent(null, name, data, null);
  }

  /** A copy of this event with the given id. */
  public SseEvent withId(String newId) {
    return new SseEvent(newId, name, data, retry);
  }

  /** A copy of this event with the given reconnection hint. */
  public SseEvent withRetry(Duration newRetry) {
    return new SseEvent(id, name, data, newRetry);
  }

  /**
   * Checks that an event name can be written.
   *
   * @throws IllegalArgumentException naming the problem when it contains CR or LF
   */
  public static String requireWritableName(String name) {
    Objects.requireNonNull(name, "event name");
    if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(
          "event name must not contain CR or LF, was \"" + Texts.escapeForMessage(name) + "\"");
    }
    return name;
  }

  /**
   * Checks that an event id can be written.
   *
   * @throws IllegalArgumentException naming the problem when it contains CR, LF or NUL
   */
  public static String requireWritableId(String id) {
    Objects.requireNonNull(id, "id");
    if (id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0 || id.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "id must not contain CR, LF or NUL, was \"" + Texts.escapeForMessage(id) + "\"");
    }
    return id;
  }
}
