package io.ssekit.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The rules for topic names, in one place.
 *
 * <p>A topic name is 1 to {@value #MAX_LENGTH} characters from {@code A-Z a-z 0-9} and
 * {@code - _ . / : @}. The set is small on purpose: topics travel in query strings, in
 * {@code Last-Event-ID} headers and inside {@linkplain Cursor cursors}, and none of these
 * characters needs escaping in any of them. Use {@code /} or {@code :} for hierarchies
 * ({@code news/sport}, {@code user:42}).
 */
public final class Topics {
  /** The longest topic name accepted. */
  public static final int MAX_LENGTH = 128;

  /** The topic a stream subscribes to when it names none. */
  public static final String DEFAULT = "default";

  private Topics() {}

  /** Whether {@code topic} is a valid topic name. */
  public static boolean isValid(String topic) {
    if (topic == null || topic.isEmpty() || topic.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < topic.length(); i++) {
      if (!isTopicChar(topic.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns {@code topic} when it is valid.
   *
   * @throws IllegalArgumentException naming the rule when it is not
   */
  public static String requireValid(String topic) {
    if (!isValid(topic)) {
      throw new IllegalArgumentException(
          "topic must be 1 to " + MAX_LENGTH + " characters of A-Z a-z 0-9 - _ . / : @, was "
              + (topic == null ? "null" : "\"" + Texts.escapeForMessage(topic) + "\""));
    }
    return topic;
  }

  /**
   * Validates a set of topics for one stream and returns it sorted and unmodifiable.
   *
   * @throws IllegalArgumentException when it is empty, larger than {@link Cursor#MAX_TOPICS} or
   *     holds an invalid name
   */
  public static SortedSet<String> requireValidSet(Collection<String> topics) {
    if (topics == null || topics.isEmpty()) {
      throw new IllegalArgumentException("a stream needs at least one topic");
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String topic : topics) {
      sorted.add(requireValid(topic));
    }
    if (sorted.size() > Cursor.MAX_TOPICS) {
      throw new IllegalArgumentException(
          "a stream can carry at most " + Cursor.MAX_TOPICS + " topics, was " + sorted.size());
    }
    return Collections.unmodifiableSortedSet(sorted);
  }

  static boolean isTopicChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '@';
  }
}
