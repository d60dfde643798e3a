package io.ssekit.redis;

import io.ssekit.spi.StoredEvent;

/**
 * The message that carries one event on its topic's pub/sub channel ({@link RedisKeys#channel}):
 * the one definition of its format, read by the Redis fanout and written by the fanout or, in
 * the step that appends the event, by the Redis history's script.
 *
 * <p>Four fields separated by line feeds: the epoch, the position, {@code +<name>} or {@code -}
 * for an unnamed event, and the data, which runs to the end of the message and may hold line
 * feeds of its own. The topic is the channel's. Neither an epoch nor a name can hold a line
 * feed.
 *
 * <p>A script that assigns the position and publishes in the same step builds the message as
 * {@link #beforePosition(String) beforePosition(epoch)}, the position in decimal,
 * {@link #afterPosition(String) afterPosition(name)} and the data, in that order, from the parts
 * this class gives it. The Redis history's tests decode what its script publishes on a real
 * {@code redis-server} and compare it with the events it appended.
 */
public final class RedisMessage {
  private RedisMessage() {}

  /** The message for {@code event}. */
  public static String encode(StoredEvent event) {
    return beforePosition(event.epoch()) + event.position() + afterPosition(event.name())
        + event.data();
  }

  /** What precedes the position: the epoch and its separator. */
  public static String beforePosition(String epoch) {
    return epoch + '\n';
  }

  /** What lies between the position and the data: the name field and the separators around it. */
  public static String afterPosition(String name) {
    return name == null ? "\n-\n" : "\n+" + name + '\n';
  }

  /**
   * The event a message of {@code topic}'s channel carries.
   *
   * @throws IllegalArgumentException when the message is not one {@link #encode} makes
   */
  public static StoredEvent decode(String topic, String message) {
    int first = message.indexOf('\n');
    int second = message.indexOf('\n', first + 1);
    int third = message.indexOf('\n', second + 1);
    if (first < 0 || second < 0 || third < 0) {
      throw new IllegalArgumentException("an event message has four lines at least");
    }
    String name = message.substring(second + 1, third);
    if (!name.equals("-") && !name.startsWith("+")) {
      throw new IllegalArgumentException("the third line of an event message is - or +<name>");
    }
    return new StoredEvent(message.substring(0, first), topic,
        Long.parseLong(message.substring(first + 1, second)),
        name.equals("-") ? null : name.substring(1), message.substring(third + 1));
  }
}
