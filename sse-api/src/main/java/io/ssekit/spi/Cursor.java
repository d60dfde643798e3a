package io.ssekit.spi;

import java.security.SecureRandom;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where a client stands in the history: the history's epoch plus, for each topic of its stream,
 * the position of the last event it has. The cursor's text is the event id a client sees, so the
 * browser's {@code Last-Event-ID} on reconnect says exactly what it already has.
 *
 * <h2>Format</h2>
 * <pre>{@code epoch;topic=position,topic=position}</pre>
 * for example {@code k3x9q2;news=41,user:7=3}. The epoch is 1 to {@value #MAX_EPOCH_LENGTH}
 * letters and digits; topics follow {@link Topics} and are listed in ascending order; positions
 * are non-negative decimal {@code long}s. A position says "every event of this topic up to and
 * including this position", so position {@code 0} in a fresh history means "nothing yet".
 *
 * <h2>Limits</h2>
 * A cursor carries at most {@value #MAX_TOPICS} topics, so its text is at most
 * {@value #MAX_TEXT_LENGTH} characters; a stream therefore subscribes to at most that many topics.
 * {@link #parse(String)} never throws: text that is not a cursor (garbage, truncated, oversized,
 * duplicate topics) is reported as empty, and a cursor of another epoch parses fine and is
 * recognised by the history as foreign. Both end in an {@code sse-reset} event for the client,
 * never in an error response.
 *
 * <p>One id string covers every topic of a connection, so a client subscribed to several topics
 * resumes each of them exactly where it stopped. A cursor that lacks a topic the client now asks
 * for starts that topic at its current head: the client never subscribed to it, so it missed
 * nothing there.
 *
 * @param epoch the epoch of the history that issued the positions
 * @param positions the position per topic, sorted by topic
 */
public record Cursor(String epoch, SortedMap<String, Long> positions) {
  /** The largest number of topics one cursor (and so one stream) can carry. */
  public static final int MAX_TOPICS = 32;

  /** The longest epoch accepted. */
  public static final int MAX_EPOCH_LENGTH = 32;

  /** The longest cursor text {@link #parse(String)} considers. */
  public static final int MAX_TEXT_LENGTH =
      MAX_EPOCH_LENGTH + 1 + MAX_TOPICS * (Topics.MAX_LENGTH + 1 + 19) + (MAX_TOPICS - 1);

  /** Validates the epoch, the topics and the positions, and freezes the map. */
  public Cursor {
    requireValidEpoch(epoch);
    Objects.requireNonNull(positions, "positions");
    if (positions.size() > MAX_TOPICS) {
      throw new IllegalArgumentException(
          "a cursor carries at most " + MAX_TOPICS + " topics, was " + positions.size());
    }
    TreeMap<String, Long> copy = new TreeMap<>();
    for (Map.Entry<String, Long> e : positions.entrySet()) {
      Topics.requireValid(e.getKey());
      long position = Objects.requireNonNull(e.getValue(), "position of " + e.getKey());
      if (position < 0) {
        throw new IllegalArgumentException(
            "position must not be negative, was " + position + " for topic " + e.getKey());
      }
      copy.put(e.getKey(), position);
    }
    positions = Collections.unmodifiableSortedMap(copy);
  }

  /** A cursor at one position of one topic. */
  public static Cursor of(String epoch, String topic, long position) {
    TreeMap<String, Long> map = new TreeMap<>();
    map.put(topic, position);
    return new Cursor(epoch, map);
  }

  /** A cursor with the given positions. */
  public static Cursor of(String epoch, Map<String, Long> positions) {
    return new Cursor(epoch, new TreeMap<>(positions));
  }

  /** The position of {@code topic}, or empty when this cursor does not cover it. */
  public OptionalLong position(String topic) {
    Long p = positions.get(topic);
    return p == null ? OptionalLong.empty() : OptionalLong.of(p);
  }

  /** The topics this cursor covers. */
  public Set<String> topics() {
    return positions.keySet();
  }

  /** A copy with {@code topic} at {@code position}. */
  public Cursor with(String topic, long position) {
    TreeMap<String, Long> map = new TreeMap<>(positions);
    map.put(topic, position);
    return new Cursor(epoch, map);
  }

  /** The cursor text, which is also the event id a client sees. */
  public String text() {
    String[] topics = positions.keySet().toArray(new String[0]);
    long[] values = new long[topics.length];
    for (int i = 0; i < topics.length; i++) {
      values[i] = positions.get(topics[i]);
    }
    return text(epoch, topics, values);
  }

  /**
   * The text of a cursor given as parallel arrays, without making one: the hub writes a stream's
   * cursor this way for every event it delivers.
   *
   * @param epoch a valid epoch
   * @param topics valid topic names in ascending order
   * @param positions the position of each topic, at the same index
   */
  public static String text(String epoch, String[] topics, long[] positions) {
    StringBuilder out = new StringBuilder(epoch.length() + 1 + topics.length * 24);
    out.append(epoch).append(';');
    for (int i = 0; i < topics.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(topics[i]).append('=').append(positions[i]);
    }
    return out.toString();
  }

  /** Same as {@link #text()}. */
  @Override
  public String toString() {
    return text();
  }

  /**
   * Reads a cursor from its text. Never throws.
   *
   * @param text a {@code Last-Event-ID}, possibly {@code null} or garbage
   * @return the cursor, or empty when {@code text} is not a well-formed cursor
   */
  public static Optional<Cursor> parse(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
      return Optional.empty();
    }
    int semi = text.indexOf(';');
    if (semi < 1 || !isValidEpoch(text.substring(0, semi))) {
      return Optional.empty();
    }
    TreeMap<String, Long> positions = new TreeMap<>();
    int i = semi + 1;
    while (i < text.length()) {
      int end = text.indexOf(',', i);
      if (end < 0) {
        end = text.length();
      } else if (end == text.length() - 1) {
        return Optional.empty(); // trailing comma
      }
      int eq = text.indexOf('=', i);
      if (eq < 0 || eq >= end) {
        return Optional.empty();
      }
      String topic = text.substring(i, eq);
      OptionalLong position = parsePosition(text, eq + 1, end);
      if (!Topics.isValid(topic)
          || position.isEmpty()
          || positions.put(topic, position.getAsLong()) != null
          || positions.size() > MAX_TOPICS) {
        return Optional.empty();
      }
      i = end + 1;
    }
    return Optional.of(new Cursor(text.substring(0, semi), positions));
  }

  /**
   * A new random epoch: ten lowercase letters and digits (about 52 bits), for a history that
   * starts with nothing it can vouch for.
   */
  public static String newEpoch() {
    char[] out = new char[10];
    for (int i = 0; i < out.length; i++) {
      out[i] = EPOCH_CHARS[EPOCH_RANDOM.nextInt(EPOCH_CHARS.length)];
    }
    return new String(out);
  }

  private static final char[] EPOCH_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom EPOCH_RANDOM = new SecureRandom();

  /** Whether {@code epoch} is 1 to {@value #MAX_EPOCH_LENGTH} ASCII letters and digits. */
  public static boolean isValidEpoch(String epoch) {
    if (epoch == null || epoch.isEmpty() || epoch.length() > MAX_EPOCH_LENGTH) {
      return false;
    }
    for (int i = 0; i < epoch.length(); i++) {
      char c = epoch.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns {@code epoch} when it is valid.
   *
   * @throws IllegalArgumentException naming the rule when it is not
   */
  public static String requireValidEpoch(String epoch) {
    if (!isValidEpoch(epoch)) {
      throw new IllegalArgumentException(
          "epoch must be 1 to " + MAX_EPOCH_LENGTH + " ASCII letters and digits, was "
              + (epoch == null ? "null" : "\"" + Texts.escapeForMessage(epoch) + "\""));
    }
    return epoch;
  }

  private static OptionalLong parsePosition(String text, int from, int to) {
    int length = to - from;
    if (length < 1 || length > 19 || (length > 1 && text.charAt(from) == '0')) {
      return OptionalLong.empty();
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
      value = value * 10 + (c - '0');
      if (value < 0) {
        return OptionalLong.empty(); // overflow
      }
    }
    return OptionalLong.of(value);
  }
}
