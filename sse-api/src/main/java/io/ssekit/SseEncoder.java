package io.ssekit;

import io.ssekit.spi.SseEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Turns events into the bytes of a {@code text/event-stream}, by the WHATWG rules.
 *
 * <p>Each method returns a fresh array that the caller may share read-only between any number
 * of connections: an event is encoded once and the same bytes go to every subscriber.
 *
 * <ul>
 *   <li>Data is split on {@code \r\n}, {@code \r} and {@code \n}; each line becomes one
 *       {@code data:} line, so the client's reassembled data is the published text with its line
 *       breaks normalised to {@code \n}. Empty data is one empty {@code data:} line, which still
 *       dispatches an event with empty data.</li>
 *   <li>A field value is always preceded by exactly one space, so values that start with a space
 *       keep it.</li>
 *   <li>Every event ends with a blank line.</li>
 *   <li>Text is UTF-8; an unpaired surrogate is written as {@code ?}.</li>
 * </ul>
 */
public final class SseEncoder {
  private static final byte[] KEEP_ALIVE = {':', '\n'};

  private SseEncoder() {}

  /** The complete frame of {@code event}: its fields in the order id, event, retry, data. */
  public static byte[] encode(SseEvent event) {
    StringBuilder out = new StringBuilder(event.data().length() + 32);
    if (event.id() != null) {
      field(out, "id", event.id());
    }
    if (event.name() != null && !event.name().isEmpty()) {
      field(out, "event", event.name());
    }
    if (event.retry() != null) {
      field(out, "retry", Long.toString(event.retry().toMillis()));
    }
    appendData(out, event.data());
    out.append('\n');
    return utf8(out);
  }

  /**
   * A comment, ignored by clients; each line of {@code text} becomes one {@code :} line, so no
   * line break in {@code text} can start a field. For what a sink writes that no client should
   * see as an event, such as a note for someone reading the raw stream. ssekit's own comments
   * are fixed bytes written without it: the servlet's {@code : ok} greeting and {@link
   * #keepAlive()}.
   */
  public static byte[] comment(String text) {
    StringBuilder out = new StringBuilder(text.length() + 4);
    forEachLine(text, (from, to) -> out.append(':').append(' ').append(text, from, to).append('\n'));
    return utf8(out);
  }

  /** The smallest keep-alive: one empty comment line. */
  public static byte[] keepAlive() {
    return KEEP_ALIVE.clone();
  }

  /** A lone {@code retry:} field, ended by a blank line. */
  public static byte[] retry(Duration retry) {
    if (retry.isNegative()) {
      throw new IllegalArgumentException("retry must not be negative, was " + retry);
    }
    return ("retry: " + retry.toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * An {@code id:} field with no data, ended by a blank line: the client stores it as its last
   * event id without firing an event. Every stream starts with one that carries its cursor.
   */
  public static byte[] idOnly(String id) {
    StringBuilder out = new StringBuilder(id.length() + 6);
    field(out, "id", SseEvent.requireWritableId(id));
    out.append('\n');
    return utf8(out);
  }

  /** An {@code id:} field alone, without the blank line, to prefix an already encoded body. */
  public static byte[] idField(String id) {
    StringBuilder out = new StringBuilder(id.length() + 5);
    field(out, "id", SseEvent.requireWritableId(id));
    return utf8(out);
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append(name).append(':').append(' ').append(value).append('\n');
  }

  private static void appendData(StringBuilder out, String data) {
    forEachLine(data, (from, to) -> {
      out.append("data:");
      if (to > from) {
        out.append(' ').append(data, from, to);
      }
      out.append('\n');
    });
  }

  /** Calls {@code line} for each line of {@code text}, split on CRLF, CR and LF. */
  private static void forEachLine(String text, LineConsumer line) {
    int start = 0;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        line.accept(start, i);
        if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    line.accept(start, length);
  }

  private static byte[] utf8(CharSequence text) {
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  @FunctionalInterface
  private interface LineConsumer {
    void accept(int from, int to);
  }
}
