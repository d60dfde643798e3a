package io.ssekit.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Interprets a {@code text/event-stream} as a browser does: the WHATWG HTML standard's "Parsing
 * an event stream" and "Interpreting an event stream" (section 9.2.6), for tests that check
 * what a client makes of the bytes a server writes.
 *
 * <ul>
 *   <li>The bytes are UTF-8; one byte order mark at the very start is ignored.</li>
 *   <li>Lines end with CRLF, LF or CR; a CR at the end of one {@link #feed} and an LF at the
 *       start of the next are one line end.</li>
 *   <li>A line starting with a colon is a comment. Otherwise the field name is what precedes the
 *       first colon (the whole line without one) and the value what follows it, less one leading
 *       space.</li>
 *   <li>{@code event} sets the type of the next event; {@code data} appends its value and an LF
 *       to the data buffer; {@code id} sets the last event id, unless the value contains NUL;
 *       {@code retry} sets the reconnection time when the value is ASCII digits only; other
 *       fields are ignored.</li>
 *   <li>A blank line dispatches: the last event id takes the id buffer's value (whether or not
 *       an event follows); when the data buffer is empty nothing is dispatched; otherwise an
 *       {@link Event} of the buffered type ({@code message} when none) with the data less its
 *       final LF. The data and type buffers are then emptied; the id buffer is kept.</li>
 *   <li>An unterminated last line, and a field group without its blank line, are never
 *       interpreted: a stream that ends there loses them, as in a browser.</li>
 * </ul>
 *
 * <p>Feed it bytes as they arrive, in pieces of any size (a piece may end inside a UTF-8
 * sequence or between CR and LF). It calls its {@link Listener} on the feeding thread. Not
 * thread-safe: one stream, fed by one thread at a time.
 */
public final class EventStreamParser {
  /**
   * An event as a browser's {@code MessageEvent} carries it.
   *
   * @param type the event type, {@code message} when the stream named none
   * @param data the data lines joined with LF
   * @param lastEventId the last event id when the event was dispatched, {@code ""} when none
   */
  public record Event(String type, String data, String lastEventId) {
    /** Checks that no component is null. */
    public Event {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(lastEventId, "lastEventId");
    }
  }

  /** What the parser found, in stream order. Every method but {@link #event} is optional. */
  @FunctionalInterface
  public interface Listener {
    /** An event was dispatched. */
    void event(Event event);

    /**
     * A field line, before it is interpreted: every field, ignored ones too, with the value
     * as the standard reads it (one leading space removed). For strict checks of what a server
     * writes; a browser shows none of this.
     */
    default void field(String name, String value) {}

    /** A comment line, without its leading colon (a keep-alive is often just {@code ":"}). */
    default void comment(String text) {}

    /** A {@code retry} field set the reconnection time. */
    default void retry(long millis) {}

    /**
     * A blank line ended a field group, after it dispatched its event, if any. {@code
     * lastEventId} is the last event id from now on.
     */
    default void groupEnd(String lastEventId) {}
  }

  private final Listener listener;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final StringBuilder data = new StringBuilder();
  private String type = "";
  private String idBuffer = "";
  private String lastEventId = "";
  private Long retry;
  private boolean sawCr;
  private boolean firstLine = true;
  /** Whether a field came since the last blank line. */
  private boolean inGroup;

  /** A parser at the start of a stream that tells {@code listener} what it finds. */
  public EventStreamParser(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** The events of a whole stream in {@code bytes}, in order. */
  public static List<Event> events(byte[] bytes) {
    List<Event> events = new ArrayList<>();
    new EventStreamParser(events::add).feed(bytes);
    return events;
  }

  /** Interprets {@code bytes}, the next piece of the stream. */
  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /** Interprets {@code length} bytes of {@code bytes} from {@code offset}: the next piece. */
  public void feed(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b == '\n' && sawCr) {
        sawCr = false; // the LF of a CRLF
        continue;
      }
      sawCr = b == '\r';
      if (b == '\n' || b == '\r') {
        processLine(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }

  /** The last event id so far: what a browser would send as {@code Last-Event-ID}. */
  public String lastEventId() {
    return lastEventId;
  }

  /** The last valid {@code retry} value so far, in milliseconds, or {@code null}. */
  public Long retry() {
    return retry;
  }

  /**
   * Whether the stream so far ends at a field group's end: no partial line and no field since
   * the last blank line (or the start).
   */
  public boolean atGroupBoundary() {
    return line.size() == 0 && !inGroup;
  }

  private void processLine(String text) {
    if (firstLine) {
      firstLine = false;
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
    }
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      listener.comment(text.substring(1));
      return;
    }
    inGroup = true;
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    listener.field(field, value);
    switch (field) {
      case "event" -> type = value;
      case "data" -> data.append(value).append('\n');
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          idBuffer = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          try {
            retry = Long.parseLong(value);
            listener.retry(retry);
          } catch (NumberFormatException tooLarge) {
            // Digits only, but beyond any reconnection time: ignored like other bad values.
          }
        }
      }
      default -> { }
    }
  }

  private void dispatch() {
    inGroup = false;
    lastEventId = idBuffer;
    if (data.length() > 0) {
      Event event = new Event(type.isEmpty() ? "message" : type,
          data.substring(0, data.length() - 1), lastEventId);
      data.setLength(0);
      type = "";
      listener.event(event);
    } else {
      type = "";
    }
    listener.groupEnd(lastEventId);
  }
}
