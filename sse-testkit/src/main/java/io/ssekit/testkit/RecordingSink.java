package io.ssekit.testkit;

import io.ssekit.StreamSink;
import io.ssekit.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link StreamSink} that decodes what the hub writes and keeps it, for tests. Each
 * {@link #offer} is one field group ending in a blank line, as the hub writes them; the sink
 * records it as a {@link Frame}. Optionally it refuses offers after a number of them, like a full
 * connection queue; or, made with {@link #queued(int)}, it holds what it is offered in a bounded
 * queue, like the servlet's, until the test lets its client read it. Thread-safe.
 */
public final class RecordingSink implements StreamSink {
  /**
   * One decoded field group.
   *
   * @param id the {@code id:} value, or {@code null}
   * @param event the {@code event:} value, or {@code null}
   * @param data the joined {@code data:} values, or {@code null} for a group without data
   */
  public record Frame(String id, String event, String data) {
    /** Whether this group only moves the client's last event id (the stream's start cursor). */
    public boolean idOnly() {
      return data == null && event == null;
    }
  }

  private final int capacity;
  /** The queue's bound in bytes, or 0 for a sink that records at once. */
  private final int maxQueuedBytes;
  private final List<Frame> frames = new ArrayList<>();
  private final List<Frame> queued = new ArrayList<>();
  private int queuedBytes;
  private Subscription subscription;
  private boolean ended;
  private String lastId;

  /** A sink that accepts everything. */
  public RecordingSink() {
    this(Integer.MAX_VALUE);
  }

  /** A sink that refuses every offer after the first {@code capacity}. */
  public RecordingSink(int capacity) {
    this(capacity, 0);
  }

  private RecordingSink(int capacity, int maxQueuedBytes) {
    this.capacity = capacity;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /**
   * A sink whose offers wait in a queue of at most {@code maxQueuedBytes} (an empty queue takes
   * any one offer) until {@link #deliverQueued()}; an offer that does not fit is refused. It
   * grants the hub credit for half the queue, leaving the rest to live events, as the servlet's
   * queue does.
   */
  public static RecordingSink queued(int maxQueuedBytes) {
    if (maxQueuedBytes <= 0) {
      throw new IllegalArgumentException("maxQueuedBytes must be positive: " + maxQueuedBytes);
    }
    return new RecordingSink(Integer.MAX_VALUE, maxQueuedBytes);
  }

  @Override
  public synchronized boolean offer(byte[] head, byte[] body) {
    int size = (head == null ? 0 : head.length) + body.length;
    if (frames.size() + queued.size() >= capacity
        || maxQueuedBytes > 0 && queuedBytes > 0 && queuedBytes + size > maxQueuedBytes) {
      return false;
    }
    String text = (head == null ? "" : new String(head, StandardCharsets.UTF_8))
        + new String(body, StandardCharsets.UTF_8);
    Frame frame = decode(text);
    if (maxQueuedBytes > 0) {
      queued.add(frame);
      queuedBytes += size;
    } else {
      record(frame);
    }
    return true;
  }

  /**
   * Grants the hub credit: unlimited, or for a queued sink half its queue, and then what its
   * client reads ({@link #deliverQueued()}), as the servlet's queue does.
   */
  @Override
  public void onSubscribe(Subscription value) {
    synchronized (this) {
      subscription = value;
    }
    value.request(maxQueuedBytes > 0 ? maxQueuedBytes / 2 : Long.MAX_VALUE);
  }

  /**
   * The client reads what is queued: it moves to {@link #frames()}, and the hub gets as much
   * credit as was read.
   *
   * @return how many groups were delivered
   */
  public int deliverQueued() {
    Subscription credit;
    int delivered;
    int bytes;
    synchronized (this) {
      delivered = queued.size();
      queued.forEach(this::record);
      queued.clear();
      bytes = queuedBytes;
      queuedBytes = 0;
      credit = subscription;
    }
    if (credit != null && bytes > 0) {
      credit.request(bytes);
    }
    return delivered;
  }

  /** The bytes offered and not delivered yet. */
  public synchronized int queuedBytes() {
    return queuedBytes;
  }

  private void record(Frame frame) {
    frames.add(frame);
    if (frame.id() != null) {
      lastId = frame.id();
    }
  }

  @Override
  public synchronized void end() {
    if (ended) {
      throw new IllegalStateException("end() called twice");
    }
    ended = true;
  }

  /** Every group received, in order. */
  public synchronized List<Frame> frames() {
    return List.copyOf(frames);
  }

  /** The groups that are events (they have data), in order. */
  public synchronized List<Frame> events() {
    return frames.stream().filter(f -> f.data() != null).toList();
  }

  /** The data of every event not named {@code sse-reset}, in order. */
  public synchronized List<String> data() {
    return frames.stream()
        .filter(f -> f.data() != null && !"sse-reset".equals(f.event()))
        .map(Frame::data)
        .toList();
  }

  /** The last id received: what a browser would send as {@code Last-Event-ID}. */
  public synchronized String lastId() {
    return lastId;
  }

  /** Whether the hub ended the stream. */
  public synchronized boolean ended() {
    return ended;
  }

  /**
   * The one field group of {@code text}, read with an {@link EventStreamParser}; anything but
   * exactly one group ended by a blank line, or a field the hub does not write, fails the test.
   */
  private static Frame decode(String text) {
    List<Frame> groups = new ArrayList<>();
    EventStreamParser parser = new EventStreamParser(new EventStreamParser.Listener() {
      private String id;
      private String event;
      private String data;

      @Override
      public void field(String name, String value) {
        switch (name) {
          case "id" -> id = value;
          case "event" -> event = value;
          case "data", "retry" -> { }
          default -> throw new AssertionError("unexpected field " + name + " in " + text);
        }
      }

      @Override
      public void event(EventStreamParser.Event dispatched) {
        data = dispatched.data();
      }

      @Override
      public void groupEnd(String lastEventId) {
        groups.add(new Frame(id, event, data));
        id = null;
        event = null;
        data = null;
      }
    });
    parser.feed(text.getBytes(StandardCharsets.UTF_8));
    if (groups.size() != 1 || !parser.atGroupBoundary()) {
      throw new AssertionError("an offer must be one field group ending with a blank line: "
          + text);
    }
    return groups.get(0);
  }

  @Override
  public synchronized String toString() {
    return "RecordingSink" + frames;
  }
}
