package io.ssekit.redis;

import io.ssekit.spi.StoredEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The message that carries one event on its topic's pub/sub channel ({@link RedisKeys#channel}):
 * the one definition of its format, read by the Redis fanout and written by the fanout or, in
 * the step that appends the event, by the Redis history's script.
 *
 * <p>Fields separated by line feeds: the epoch, the position, {@code @<micros>} (when the event
 * was appended: microseconds since the Unix epoch by the publishing instance's clock; a message
 * without this field is read as of an unknown time), {@code +<name>} or {@code -} for an unnamed
 * event, and the data, which runs to the end of the message and may hold line feeds of its own.
 * The topic is the channel's. Neither an epoch nor a name can hold a line feed.
 *
 * <p>A script that assigns the position and publishes in the same step builds the message as
 * {@link #beforePosition(String) beforePosition(epoch)}, the position in decimal,
 * {@link #afterPosition(String, long) afterPosition(name, appendedMicros)} and the data, in that
 * order, from the parts this class gives it. The Redis history's tests decode what its script publishes on a real
 * {@code redis-server} and compare it with the events it appended.
 */
public final class RedisMessage {
  private RedisMessage() {}

  /** An event read from a message, with the time it was appended; 0 when the message has none. */
  public record Received(StoredEvent event, long appendedMicros) {}

  /** The message for {@code event}, appended at {@code appendedMicros} ({@link #nowMicros()}). */
  public static String encode(StoredEvent event, long appendedMicros) {
    return beforePosition(event.epoch()) + event.position()
        + afterPosition(event.name(), appendedMicros) + event.data();
  }

  /** Microseconds since the Unix epoch, by this instance's clock: an append's time. */
  public static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  /** What precedes the position: the epoch and its separator. */
  public static String beforePosition(String epoch) {
    return epoch + '\n';
  }

  /**
   * What lies between the position and the data: the time and name fields and the separators
   * around them.
   */
  public static String afterPosition(String name, long appendedMicros) {
    return "\n@" + appendedMicros + (name == null ? "\n-\n" : "\n+" + name + '\n');
  }

  /**
   * The event a message of {@code topic}'s channel carries.
   *
   * @throws IllegalArgumentException when the message is not one {@link #encode} makes
   */
  public static StoredEvent decode(String topic, String message) {
    return read(topic, message).event();
  }

  /**
   * The event a message of {@code topic}'s channel carries, and when it was appended.
   *
   * @throws IllegalArgumentException when the message is not one {@link #encode} makes
   */
  public static Received read(String topic, String message) {
    int epochEnd = message.indexOf('\n');
    int positionEnd = message.indexOf('\n', epochEnd + 1);
    int nameStart = positionEnd + 1;
    int nameEnd = message.indexOf('\n', nameStart);
    if (epochEnd < 0 || positionEnd < 0 || nameEnd < 0) {
      throw new IllegalArgumentException("an event message has four lines at least");
    }
    long appendedMicros = 0;
    if (message.charAt(nameStart) == '@') {
      appendedMicros = Long.parseLong(message.substring(nameStart + 1, nameEnd));
      nameStart = nameEnd + 1;
      nameEnd = message.indexOf('\n', nameStart);
      if (nameEnd < 0) {
        throw new IllegalArgumentException("an event message with a time has five lines at"
            + " least");
      }
    }
    String name = message.substring(nameStart, nameEnd);
    if (!name.equals("-") && !name.startsWith("+")) {
      throw new IllegalArgumentException("the name line of an event message is - or +<name>");
    }
    StoredEvent event = new StoredEvent(message.substring(0, epochEnd), topic,
        Long.parseLong(message.substring(epochEnd + 1, positionEnd)),
        name.equals("-") ? null : name.substring(1), message.substring(nameEnd + 1));
    return new Received(event, appendedMicros);
  }

}
