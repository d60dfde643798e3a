package io.ssekit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link StreamSink} that takes every offer, grants unlimited credit, and keeps each offer
 * decoded as the {@link Frame} a client would read. It knows exactly what the hub writes: one
 * field group per offer, of {@code id}, {@code event} and {@code data} lines separated by
 * {@code \n} and ended by a blank line; anything else fails the test. Thread-safe.
 */
final class DecodingSink implements StreamSink {
  /**
   * One field group as a client reads it.
   *
   * @param id the {@code id:} value, or {@code null}
   * @param event the {@code event:} value, or {@code null}
   * @param data the {@code data:} lines joined by {@code \n}, or {@code null} when there are none
   */
  record Frame(String id, String event, String data) {
    /** Reads the one field group of {@code text}. */
    static Frame of(String text) {
      int blank = text.indexOf("\n\n");
      if (blank < 0 || blank != text.length() - 2) {
        throw new AssertionError("an offer must be one field group ending with a blank line: "
            + text);
      }
      String id = null;
      String event = null;
      List<String> data = new ArrayList<>();
      for (String line : text.substring(0, blank).split("\n", -1)) {
        String[] field = line.split(": ?", 2);
        String value = field.length == 2 ? field[1] : "";
        switch (field[0]) {
          case "id" -> id = value;
          case "event" -> event = value;
          case "data" -> data.add(value);
          default -> throw new AssertionError("the hub wrote a line it never writes: " + line);
        }
      }
      return new Frame(id, event, data.isEmpty() ? null : String.join("\n", data));
    }
  }

  private final List<Frame> frames = new ArrayList<>();
  private boolean ended;

  @Override
  public boolean offer(byte[] head, byte[] body) {
    String text = head == null ? "" : new String(head, StandardCharsets.UTF_8);
    Frame frame = Frame.of(text + new String(body, StandardCharsets.UTF_8));
    synchronized (this) {
      frames.add(frame);
    }
    return true;
  }

  /** The hub ended the stream; a second end breaks the sink's contract and fails the test. */
  @Override
  public synchronized void end() {
    if (ended) {
      throw new AssertionError("end() called twice");
    }
    ended = true;
  }

  synchronized boolean ended() {
    return ended;
  }

  /** Every field group, in order. */
  synchronized List<Frame> frames() {
    return List.copyOf(frames);
  }

  /** The groups with data (events, {@code sse-reset} among them), in order. */
  synchronized List<Frame> events() {
    return frames.stream().filter(f -> f.data() != null).toList();
  }

  /** The data of the application's events, without the hub's {@code sse-reset}, in order. */
  synchronized List<String> data() {
    return events().stream()
        .filter(f -> !ProtocolEvents.RESET.equals(f.event()))
        .map(Frame::data)
        .toList();
  }

  /** The last id the client read: what it would send as {@code Last-Event-ID}. */
  synchronized String lastId() {
    for (int i = frames.size() - 1; i >= 0; i--) {
      if (frames.get(i).id() != null) {
        return frames.get(i).id();
      }
    }
    return null;
  }

  @Override
  public synchronized String toString() {
    return "DecodingSink" + frames;
  }
}
