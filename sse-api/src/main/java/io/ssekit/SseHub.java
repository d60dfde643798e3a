package io.ssekit;

import io.ssekit.internal.EncodedEvent;
import io.ssekit.internal.OrderedStripes;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.EventHistoryProvider;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.Providers;
import io.ssekit.spi.Replay;
import io.ssekit.spi.Settings;
import io.ssekit.spi.StoredEvent;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process centre of ssekit: topics, their local streams, and the publish path.
 *
 * <p><b>Publishing.</b> {@link #publish(String, String, String)} appends the event to the
 * {@link EventHistory}, which assigns its id, then hands it to the {@link Fanout}, which brings it
 * to every instance's hub; each hub encodes it once and queues the same bytes on each local
 * stream of the topic. Events of one topic are appended and fanned out one after another, so
 * every stream receives them in id order.
 *
 * <p><b>Streams.</b> {@link #subscribe} registers a stream for live events first, then asks the
 * history what the client missed since its {@code Last-Event-ID}. The stream gets, in this
 * order: an {@code id:} line with its start cursor, an {@code sse-reset} event if the client
 * cannot get everything it missed, the missed events, then live events, with none lost or
 * written twice at the seam.
 *
 * <p>All methods are thread-safe and none blocks.
 */
public final class SseHub implements AutoCloseable {
  /** Default for {@link Builder#maxEventSize(int)}: 1 MiB of UTF-8 data. */
  public static final int DEFAULT_MAX_EVENT_SIZE = 1 << 20;

  /** Default for {@link Builder#maxPendingEvents(int)}. */
  public static final int DEFAULT_MAX_PENDING_EVENTS = 10_000;

  private static final System.Logger LOG = System.getLogger(SseHub.class.getName());

  private final EventHistory history;
  private final Fanout fanout;
  private final int maxEventSize;
  private final int maxPendingEvents;
  private final OrderedStripes publishOrder = new OrderedStripes(64);
  private final ConcurrentHashMap<String, TopicStreams> topics = new ConcurrentHashMap<>();
  private final Set<HubSubscription> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private SseHub(Builder builder) {
    this.history = builder.history != null ? builder.history : defaultHistory();
    this.fanout = builder.fanout != null ? builder.fanout : Fanout.local();
    this.maxEventSize = builder.maxEventSize;
    this.maxPendingEvents = builder.maxPendingEvents;
    fanout.attach(history);
    fanout.start(new Fanout.Listener() {
      @Override
      public CompletionStage<Void> onEvent(StoredEvent event) {
        return dispatch(event);
      }

      @Override
      public void onMissed(Set<String> missed) {
        catchUp(missed);
      }
    });
  }

  /** A builder; every setting has a default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The history streams replay from. */
  public EventHistory history() {
    return history;
  }

  /** Publishes an unnamed event (dispatched as {@code message}); see {@link #publish(String, String, String)}. */
  public CompletionStage<String> publish(String topic, String data) {
    return publish(topic, null, data);
  }

  /**
   * Publishes an event to every stream of {@code topic}, on every instance. May be called from any
   * thread; never blocks.
   *
   * <p>Publishes of one topic run one after another, and with the local fanout each completes
   * only when this instance's streams have room (see {@link StreamSink#room()}): a publisher that
   * waits for each stage goes at the pace at which streams are written. One that does not wait
   * leaves its events queued in memory until their turn. The stage may complete on a thread that
   * writes streams: code that continues it should not block.
   *
   * @param topic a valid topic name (see {@link Topics})
   * @param name the event name, or {@code null} for the default {@code message}
   * @param data the data, any text
   * @return the id the history assigned, once the event is in the history and handed to the
   *     fanout; failed when either could not take it
   * @throws IllegalArgumentException for an invalid topic or name, or data over the size limit
   * @throws IllegalStateException when the hub is closed
   */
  public CompletionStage<String> publish(String topic, String name, String data) {
    Topics.requireValid(topic);
    if (name != null) {
      SseEvent.requireWritableName(name);
    }
    Objects.requireNonNull(data, "data must not be null (use \"\" for an empty event)");
    int size = utf8Length(data);
    if (size > maxEventSize) {
      throw new IllegalArgumentException("event data of " + size + " bytes exceeds maxEventSize of "
          + maxEventSize + " bytes");
    }
    requireOpen();
    return publishOrder.submit(topic, () -> history.append(topic, name, data)
        .thenCompose(stored -> fanout.publish(stored).thenApply(done -> stored.id())));
  }

  /**
   * Opens a stream of {@code topics} for {@code sink}, resuming after {@code lastEventId}.
   *
   * @param topics 1 to {@link Cursor#MAX_TOPICS} valid topic names
   * @param lastEventId the client's {@code Last-Event-ID}, or {@code null}; a malformed or stale
   *     one is answered with {@code sse-reset}, never with an exception
   * @param sink where the stream's bytes go
   * @return the stream's registration; close it when the client goes away
   * @throws IllegalArgumentException for invalid topics
   * @throws IllegalStateException when the hub is closed
   */
  public Subscription subscribe(Collection<String> topics, String lastEventId, StreamSink sink) {
    SortedSet<String> topicSet = Topics.requireValidSet(topics);
    Objects.requireNonNull(sink, "sink");
    requireOpen();
    Cursor cursor = null;
    boolean malformed = false;
    if (lastEventId != null && !lastEventId.isEmpty()) {
      cursor = Cursor.parse(lastEventId).orElse(null);
      malformed = cursor == null;
    }
    HubSubscription stream =
        new HubSubscription(this, topicSet, sink, cursor, malformed, maxPendingEvents);
    streams.add(stream);
    CompletableFuture<?>[] ready = new CompletableFuture<?>[topicSet.size()];
    int i = 0;
    for (String topic : topicSet) {
      ready[i++] = register(topic, stream);
    }
    Cursor after = cursor;
    CompletableFuture.allOf(ready)
        .thenCompose(registered -> replay(after, topicSet))
        .whenComplete(stream::started);
    if (closed) {
      stream.end();
    }
    return stream;
  }

  /** The number of open streams on this instance. */
  public int streamCount() {
    return streams.size();
  }

  /** The number of open streams of {@code topic} on this instance. */
  public int streamCount(String topic) {
    TopicStreams streamsOfTopic = topics.get(topic);
    return streamsOfTopic == null ? 0 : streamsOfTopic.streams.size();
  }

  /** The number of topics with at least one open stream on this instance. */
  public int topicCount() {
    return topics.size();
  }

  /**
   * Ends every stream (their sinks get {@link StreamSink#end()}), then closes the fanout and the
   * history. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (HubSubscription stream : streams) {
      stream.end();
    }
    closeQuietly(fanout);
    closeQuietly(history);
  }

  /**
   * Receives every event the fanout delivers and queues it on the topic's local streams.
   *
   * @return when those streams can take more (see {@link StreamSink#room()})
   */
  private CompletionStage<Void> dispatch(StoredEvent event) {
    TopicStreams streamsOfTopic = topics.get(event.topic());
    if (streamsOfTopic == null) {
      return StreamSink.HAS_ROOM;
    }
    EncodedEvent encoded = null;
    CompletionStage<Void> room = StreamSink.HAS_ROOM;
    for (HubSubscription stream : streamsOfTopic.streams) {
      if (encoded == null) {
        encoded = EncodedEvent.of(event);
      }
      try {
        stream.deliver(event, encoded);
        room = both(room, stream.room());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "delivery to " + stream + " failed; it is ended", e);
        stream.end();
      }
    }
    return room;
  }

  /** Completed when both are; the streams of one writer share one stage, so this rarely combines. */
  private static CompletionStage<Void> both(CompletionStage<Void> a, CompletionStage<Void> b) {
    if (b == StreamSink.HAS_ROOM || b == a) {
      return a;
    }
    if (a == StreamSink.HAS_ROOM) {
      return b;
    }
    return a.thenCombine(b, (x, y) -> null);
  }

  /** Brings every local stream of {@code missed} topics up to date from the history. */
  private void catchUp(Set<String> missed) {
    Map<HubSubscription, Set<String>> affected = new HashMap<>();
    for (String topic : missed) {
      TopicStreams streamsOfTopic = topics.get(topic);
      if (streamsOfTopic != null) {
        for (HubSubscription stream : streamsOfTopic.streams) {
          affected.computeIfAbsent(stream, s -> new TreeSet<>()).add(topic);
        }
      }
    }
    affected.forEach(HubSubscription::catchUp);
  }

  private CompletableFuture<Void> register(String topic, HubSubscription stream) {
    TopicStreams registered = topics.compute(topic, (t, existing) -> {
      TopicStreams current = existing;
      if (current == null || current.ready.isCompletedExceptionally()) {
        current = new TopicStreams(current, fanoutSubscribe(t));
      }
      current.streams.add(stream);
      return current;
    });
    return registered.ready;
  }

  void unregister(HubSubscription stream) {
    streams.remove(stream);
    for (String topic : stream.topics()) {
      topics.computeIfPresent(topic, (t, existing) -> {
        existing.streams.remove(stream);
        if (!existing.streams.isEmpty()) {
          return existing;
        }
        if (!closed) {
          fanout.unsubscribe(t).exceptionally(e -> {
            LOG.log(Level.WARNING, "fanout could not unsubscribe topic " + t, e);
            return null;
          });
        }
        return null;
      });
    }
  }

  private CompletableFuture<Void> fanoutSubscribe(String topic) {
    try {
      return fanout.subscribe(topic).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The history's replay; a history that throws answers a failed stage instead. */
  CompletionStage<Replay> replay(Cursor after, Set<String> topicSet) {
    try {
      return history.replay(after, topicSet);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("hub is closed");
    }
  }

  private static EventHistory defaultHistory() {
    return Providers.only(EventHistoryProvider.class).create(Settings.empty());
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "closing " + closeable + " failed", e);
    }
  }

  static int utf8Length(String s) {
    int length = s.length();
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < length
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 2; // 4 bytes for the pair of 2 chars
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }

  /** The local streams of one topic and the fanout subscription that feeds them. */
  private static final class TopicStreams {
    final Set<HubSubscription> streams = ConcurrentHashMap.newKeySet();
    final CompletableFuture<Void> ready;

    TopicStreams(TopicStreams failed, CompletableFuture<Void> ready) {
      if (failed != null) {
        streams.addAll(failed.streams);
      }
      this.ready = ready;
    }
  }

  /** Configures a {@link SseHub}. */
  public static final class Builder {
    private EventHistory history;
    private Fanout fanout;
    private int maxEventSize = DEFAULT_MAX_EVENT_SIZE;
    private int maxPendingEvents = DEFAULT_MAX_PENDING_EVENTS;

    private Builder() {}

    /**
     * The history; default: the one {@link EventHistoryProvider} on the class path (for example
     * {@code sse-history-memory}), created with default settings. The hub closes it.
     */
    public Builder history(EventHistory value) {
      this.history = Objects.requireNonNull(value, "history");
      return this;
    }

    /** The fanout; default {@link Fanout#local()}. The hub starts and closes it. */
    public Builder fanout(Fanout value) {
      this.fanout = Objects.requireNonNull(value, "fanout");
      return this;
    }

    /** The largest event data accepted by {@code publish}, in UTF-8 bytes; default 1 MiB. */
    public Builder maxEventSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxEventSize must be positive, was " + bytes);
      }
      this.maxEventSize = bytes;
      return this;
    }

    /**
     * How many live events a starting stream may hold while its replay is read and written (a
     * replay larger than the stream's queue is written as its client reads); a stream that would
     * need more is ended (its client reconnects and resumes from what it got). Default 10,000.
     */
    public Builder maxPendingEvents(int count) {
      if (count <= 0) {
        throw new IllegalArgumentException("maxPendingEvents must be positive, was " + count);
      }
      this.maxPendingEvents = count;
      return this;
    }

    /** Creates the hub and starts its fanout. */
    public SseHub build() {
      return new SseHub(this);
    }
  }
}
