package io.ssekit;

import io.ssekit.internal.GuardedListener;
import io.ssekit.internal.OwnedThreads;
import io.ssekit.spi.Appended;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.EventHistoryProvider;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.IdempotencyKey;
import io.ssekit.spi.Providers;
import io.ssekit.spi.Replay;
import io.ssekit.spi.Settings;
import io.ssekit.spi.SseEvent;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SseListener.Operation;
import io.ssekit.spi.SseListener.PublishResult;
import io.ssekit.spi.StoredEvent;
import io.ssekit.spi.Topics;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The in-process centre of ssekit: topics, their local streams, and the publish path.
 *
 * <p><b>Publishing.</b> {@link #publish(String, String, String)} appends the event to the
 * {@link EventHistory}, which assigns its id, then hands it to the {@link Fanout}, which brings it
 * to every instance's hub; each hub encodes it once and queues the same bytes on each local
 * stream of the topic. Events of one topic are appended and fanned out one after another, so
 * every stream receives them in id order; a topic that waits (for its history, say) never holds
 * another topic back.
 *
 * <p><b>Streams.</b> {@link #subscribe} registers a stream for live events first, then asks the
 * history what the client missed since its {@code Last-Event-ID}. The stream gets, in this
 * order: an {@code id:} line with its start cursor, an {@code sse-reset} event if the client
 * cannot get everything it missed, the missed events, then live events, with none lost or
 * written twice at the seam ({@code docs/protocol.md}).
 *
 * <p><b>Threads.</b> Data flows one way: publish, history, fanout, hub, sink. The hub's own
 * steps (a history's answers, backlogs written as sinks grant credit, catch-up retries, the
 * release of closed streams' registrations) run on the hub's threads, {@code
 * ssekit-hub-<name>-<n>}, which it owns and stops in {@link #close()}. {@code docs/design.md}
 * describes the path and the states of a stream.
 *
 * <p><b>Listening.</b> An {@link SseListener} given to {@link Builder#listener} hears what the
 * hub does: publishes and their durations, events queued to streams, resumes, catch-ups, and
 * failures of the history and the fanout.
 *
 * <p>All methods are thread-safe; none blocks except {@link #close()}, which waits up to two
 * seconds for the hub's threads to stop.
 */
public final class SseHub implements AutoCloseable {
  /** Default for {@link Builder#maxEventSize(int)}: 1 MiB of UTF-8 data. */
  public static final int DEFAULT_MAX_EVENT_SIZE = 1 << 20;

  /** Default for {@link Builder#maxPendingEvents(int)}. */
  public static final int DEFAULT_MAX_PENDING_EVENTS = 10_000;

  /** Default for {@link Builder#replayConcurrency(int)}. */
  public static final int DEFAULT_REPLAY_CONCURRENCY = 64;

  private static final System.Logger LOG = System.getLogger(SseHub.class.getName());
  private static final CompletableFuture<Void> PUBLISHED = CompletableFuture.completedFuture(null);
  private static final AtomicInteger NUMBERS = new AtomicInteger();

  private final EventHistory history;
  private final Fanout fanout;
  private final int maxEventSize;
  private final int maxPendingEvents;
  private final Duration idempotencyWindow;
  private final SseListener listener;
  private final boolean listening;
  private final PublishGate gate = new PublishGate();
  private final TopicLanes lanes = new TopicLanes();
  private final TopicLanes fanoutCalls = new TopicLanes();
  private final ConcurrentHashMap<String, TopicStreams> topics = new ConcurrentHashMap<>();
  private final Set<HubSubscription> streams = ConcurrentHashMap.newKeySet();
  private final OwnedThreads threads;
  private final ScheduledThreadPoolExecutor executor;
  private final AtomicReference<Outage> outage = new AtomicReference<>();
  private final ReplayBudget replays;
  private final ReplayEncodings replayEncodings = new ReplayEncodings();
  private volatile boolean closed;

  private SseHub(Builder builder) {
    this.history = builder.history != null ? builder.history : defaultHistory();
    this.fanout = builder.fanout != null ? builder.fanout : Fanout.local();
    this.maxEventSize = builder.maxEventSize;
    this.maxPendingEvents = builder.maxPendingEvents;
    this.idempotencyWindow = builder.idempotencyWindow;
    this.listener = GuardedListener.of(builder.listener);
    this.listening = listener != SseListener.NONE;
    this.threads = new OwnedThreads("hub", Integer.toString(NUMBERS.incrementAndGet()));
    this.executor = new ScheduledThreadPoolExecutor(2, threads);
    executor.setRemoveOnCancelPolicy(true);
    this.replays = new ReplayBudget(builder.replayConcurrency, this::execute);
    try {
      fanout.attach(history);
      fanout.start(new Fanout.Listener() {
        @Override
        public void onEvent(StoredEvent event) {
          dispatch(event, 0);
        }

        @Override
        public void onEvent(StoredEvent event, long appendedMicros) {
          dispatch(event, appendedMicros);
        }

        @Override
        public void onMissed(Set<String> missed) {
          catchUp(missed);
        }
      });
    } catch (RuntimeException e) {
      // A fanout that refuses this history (another Redis, say): release what was given.
      executor.shutdownNow();
      closeQuietly(fanout);
      closeQuietly(history);
      throw e;
    }
  }

  /** A builder; every setting has a default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Publishes an unnamed event (dispatched as {@code message}); see {@link #publish(String, String, String)}. */
  public CompletionStage<String> publish(String topic, String data) {
    return publish(topic, null, data);
  }

  /**
   * Publishes an event to every stream of {@code topic}, on every instance. May be called from any
   * thread; never blocks.
   *
   * <p>Publishes of one topic run one after another. While a registered {@link PublishPace} says
   * the threads that write streams are behind, new publishes wait, in the order they came, before
   * they start (see {@link #pacedBy}): a publisher that waits for each stage goes at the pace at
   * which streams are written; one that does not wait leaves its events queued in memory until
   * their turn. The stage may complete on a thread that writes streams or on a history's or
   * fanout's thread: code that continues it should not block.
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
    return publish(topic, name, data, null);
  }

  /**
   * Publishes an event as {@link #publish(String, String, String)} does, once per idempotency
   * key: a publish whose {@code idempotencyKey} repeats the key of a publish to the same topic
   * within the {@linkplain Builder#idempotencyWindow window} (default 5 minutes) stores and
   * delivers nothing and answers the first publish's id. The history keeps the keys, so this
   * holds across instances that share it ({@code sse-history-redis}); a history that takes no
   * keys fails the stage with {@link UnsupportedOperationException}.
   *
   * @param idempotencyKey 1 to 256 bytes of UTF-8 (a client's {@code Idempotency-Key} header,
   *     say), or {@code null} for a publish without one
   * @return the id the history assigned, or the first publish's id for a repeated key
   * @throws IllegalArgumentException for an invalid topic, name or key, or data over the size
   *     limit
   * @throws IllegalStateException when the hub is closed
   */
  public CompletionStage<String> publish(String topic, String name, String data,
      String idempotencyKey) {
    IdempotencyKey key;
    try {
      Topics.requireValid(topic);
      if (name != null) {
        SseEvent.requireWritableName(name);
      }
      Objects.requireNonNull(data, "data must not be null (use \"\" for an empty event)");
      int size = utf8Length(data);
      if (size > maxEventSize) {
        throw new IllegalArgumentException("event data of " + size + " bytes exceeds maxEventSize"
            + " of " + maxEventSize + " bytes");
      }
      key = idempotencyKey == null ? null : new IdempotencyKey(idempotencyKey, idempotencyWindow);
      requireOpen();
    } catch (RuntimeException e) {
      listener.published(topic, PublishResult.REJECTED, 0);
      throw e;
    }
    if (!listening) {
      return gate.admit(() -> lanes.submit(topic, () -> key == null
          ? history.append(topic, name, data)
              .thenCompose(stored -> fanout.publish(stored).thenApply(done -> stored.id()))
          : history.append(topic, name, data, key).thenCompose(appended -> appended.repeated()
              ? CompletableFuture.completedFuture(appended.id())
              : fanout.publish(appended.event()).thenApply(done -> appended.id()))));
    }
    long accepted = System.nanoTime();
    CompletionStage<String> published = gate.admit(() -> lanes.submit(topic,
        () -> reported(appendOf(topic, name, data, key), Operation.HISTORY_APPEND)
            .thenCompose(appended -> appended.repeated()
                ? CompletableFuture.completedFuture(appended.id())
                : reported(fanoutOf(appended.event(), accepted), Operation.FANOUT_PUBLISH)
                    .thenApply(done -> appended.id()))));
    return published.whenComplete((id, failure) -> listener.published(topic,
        failure == null ? PublishResult.OK : PublishResult.FAILED, System.nanoTime() - accepted));
  }

  /** The history's append, with the key when there is one. */
  private CompletionStage<Appended> appendOf(String topic, String name, String data,
      IdempotencyKey key) {
    return key == null ? history.append(topic, name, data).thenApply(Appended::stored)
        : history.append(topic, name, data, key);
  }

  /**
   * Hands {@code stored} to the fanout; a local stream of its topic that gets it on this thread
   * (the local fanout) counts its lag from {@code accepted}.
   */
  private CompletionStage<Void> fanoutOf(StoredEvent stored, long accepted) {
    TopicStreams streamsOfTopic = topics.get(stored.topic());
    if (streamsOfTopic != null) {
      streamsOfTopic.origin = new Origin(stored, accepted);
    }
    try {
      return fanout.publish(stored);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e); // reported as the fanout's failure
    } finally {
      if (streamsOfTopic != null) {
        streamsOfTopic.origin = null;
      }
    }
  }

  /** {@code stage}, reporting its failure as a failure of {@code operation}. */
  private <T> CompletionStage<T> reported(CompletionStage<T> stage, Operation operation) {
    return stage.whenComplete((value, failure) -> {
      if (failure != null) {
        listener.failed(operation);
      }
    });
  }

  /**
   * Holds new publishes back while {@code pace} is behind; a servlet registers the pace of the
   * threads that write its streams. Several paces may be registered: a publish waits until none
   * is behind.
   *
   * @return closing it removes the pace (and lets publishes that waited for it go on)
   */
  public AutoCloseable pacedBy(PublishPace pace) {
    Objects.requireNonNull(pace, "pace");
    Runnable remove = gate.add(pace);
    return remove::run;
  }

  /**
   * Opens a stream of {@code topics} for {@code sink}, resuming after {@code lastEventId}. The
   * sink's {@link StreamSink#onSubscribe} is called first, on this thread.
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
    sink.onSubscribe(stream);
    if (!stream.isOpen()) {
      return stream;
    }
    CompletableFuture<?>[] ready = new CompletableFuture<?>[topicSet.size()];
    int i = 0;
    for (String topic : topicSet) {
      ready[i++] = register(topic, stream);
    }
    // Counted once registered: an event published after streamCount() counts it reaches it.
    streams.add(stream);
    if (!stream.isOpen()) {
      // Closed while it registered: the release may have missed topics registered after it.
      release(stream);
      return stream;
    }
    CompletableFuture.allOf(ready).whenComplete((registered, failure) -> {
      if (failure != null) {
        LOG.log(Level.DEBUG, "stream {0} ended: the fanout could not subscribe", topicSet);
        stream.end();
      } else {
        stream.start();
      }
    });
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
   * Ends every stream (their sinks get {@link StreamSink#end()}), closes the fanout and the
   * history, and stops the hub's threads, waiting up to two seconds for them. Idempotent.
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
    executor.shutdownNow();
    boolean interrupted = Thread.interrupted();
    try {
      if (!executor.awaitTermination(1, TimeUnit.SECONDS) || !threads.awaitExit(1000)) {
        LOG.log(Level.WARNING, "the hub's threads did not stop within 1 s");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Queues the fanout's event on the topic's local streams, encoded once; {@code appendedMicros}
   * is when it was appended, if the fanout knows (else 0).
   */
  private void dispatch(StoredEvent event, long appendedMicros) {
    TopicStreams streamsOfTopic = topics.get(event.topic());
    if (streamsOfTopic == null) {
      return;
    }
    EncodedEvent encoded = null;
    for (HubSubscription stream : streamsOfTopic.streams) {
      if (encoded == null) {
        encoded = EncodedEvent.of(event,
            listening ? originOf(event, streamsOfTopic, appendedMicros) : 0);
      }
      try {
        stream.deliver(event, encoded);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "delivery to " + stream + " failed; it is ended", e);
        stream.end();
      }
    }
  }

  /**
   * When {@code event} was published, on {@link System#nanoTime()}'s scale: accepted by this hub's
   * {@code publish} (the fanout delivered it on the publishing thread); else appended at {@code
   * appendedMicros} of the wall clock, when the fanout says so (an instant in the future, a clock
   * out of step, counts as now); else received from the fanout now.
   */
  private static long originOf(StoredEvent event, TopicStreams streamsOfTopic,
      long appendedMicros) {
    Origin origin = streamsOfTopic.origin;
    if (origin != null && origin.event() == event) {
      return origin.nanos();
    }
    long now = System.nanoTime();
    if (appendedMicros > 0) {
      long ageMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) - appendedMicros;
      if (ageMicros > 0) {
        return now - TimeUnit.MICROSECONDS.toNanos(ageMicros);
      }
    }
    return now;
  }

  /**
   * Brings every local stream of {@code missed} topics up to date from the history; one stream
   * that fails never keeps the others from catching up, and nothing is thrown to the fanout.
   */
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
    affected.forEach((stream, topicsOfStream) -> {
      try {
        stream.missed(topicsOfStream);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "catching up " + stream + " failed; it is ended", e);
        stream.end();
      }
    });
  }

  /**
   * Adds {@code stream} to the streams of {@code topic}; the first one subscribes the fanout.
   * The fanout's subscribe and unsubscribe calls of one topic run one after another, in the
   * order the topic's first stream came and its last one went (Fanout clause 6).
   */
  private CompletableFuture<Void> register(String topic, HubSubscription stream) {
    TopicStreams registered = topics.compute(topic, (t, existing) -> {
      TopicStreams current = existing;
      if (current == null || current.ready.isCompletedExceptionally()) {
        current = new TopicStreams(current,
            fanoutCalls.submit(t, () -> fanoutSubscribe(t)).toCompletableFuture());
      }
      current.streams.add(stream);
      return current;
    });
    return registered.ready;
  }

  /**
   * Forgets a closed stream, at once; the fanout subscription of a topic whose last stream this
   * was ends on the hub's threads. Callable under any lock: nothing of the fanout's runs on the
   * caller's thread.
   */
  void release(HubSubscription stream) {
    streams.remove(stream);
    for (String topic : stream.topics()) {
      topics.computeIfPresent(topic, (t, existing) -> {
        if (!existing.streams.remove(stream) || !existing.streams.isEmpty()) {
          return existing;
        }
        if (!closed) {
          fanoutCalls.submit(t, () -> fanoutUnsubscribe(t));
        }
        return null;
      });
    }
  }

  /** Subscribes {@code topic} on the hub's threads; fails as the fanout's stage does. */
  private CompletableFuture<Void> fanoutSubscribe(String topic) {
    return onHubThreads(() -> fanout.subscribe(topic), "subscribe", topic, false);
  }

  /** Unsubscribes {@code topic} on the hub's threads; a failure is logged, never passed on. */
  private CompletableFuture<Void> fanoutUnsubscribe(String topic) {
    return onHubThreads(() -> fanout.unsubscribe(topic), "unsubscribe", topic, true);
  }

  /**
   * Makes a call of the fanout's on the hub's threads, never inside the caller's locks (the
   * topic map's, a servlet's); completes when the fanout's stage does, or at once once the hub
   * is closed.
   */
  private CompletableFuture<Void> onHubThreads(Supplier<CompletionStage<Void>> call,
      String what, String topic, boolean logFailure) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    boolean queued = execute(() -> {
      CompletionStage<Void> answer;
      try {
        answer = call.get();
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.whenComplete((ok, failure) -> {
        if (failure != null) {
          listener.failed(logFailure ? Operation.FANOUT_UNSUBSCRIBE : Operation.FANOUT_SUBSCRIBE);
        }
        if (failure == null) {
          done.complete(null);
        } else if (logFailure) {
          LOG.log(Level.WARNING, "fanout could not " + what + " topic " + topic, failure);
          done.complete(null);
        } else {
          done.completeExceptionally(failure);
        }
      });
    });
    if (!queued) {
      done.completeExceptionally(new IllegalStateException("hub is closed"));
    }
    return done;
  }

  /** The history's replay; a history that throws, or answers nothing, answers a failed stage. */
  CompletionStage<Replay> replay(Cursor after, Set<String> topicSet) {
    try {
      CompletionStage<Replay> answer = history.replay(after, topicSet);
      return answer != null ? answer : CompletableFuture.failedFuture(
          new IllegalStateException("the history answered no stage to replay"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The history's replay for a stream that starts, handed on once every publish of {@code
   * topicSet} submitted on this hub before the answer came has gone through the fanout. A
   * publish the answer counts in a topic's head has then reached this stream live, so the
   * stream starts just before it; without the wait, its live delivery could come after the
   * stream took the head as its start, and be skipped.
   */
  CompletionStage<Replay> startReplay(Cursor after, Set<String> topicSet) {
    return replay(after, topicSet).thenCompose(answer -> {
      CompletableFuture<?>[] published = new CompletableFuture<?>[topicSet.size()];
      int i = 0;
      for (String topic : topicSet) {
        published[i++] = lanes.submit(topic, () -> PUBLISHED).toCompletableFuture();
      }
      return CompletableFuture.allOf(published).thenApply(done -> answer);
    });
  }

  /** The history reads in flight and waiting for their turn. */
  ReplayBudget replays() {
    return replays;
  }

  /** The encodings of replayed events, shared by the hub's streams. */
  ReplayEncodings replayEncodings() {
    return replayEncodings;
  }

  /** What listens to this hub; {@link SseListener#NONE} when nothing does. */
  SseListener listener() {
    return listener;
  }

  /** Runs {@code step} on the hub's threads; {@code false} (dropped) once the hub is closed. */
  boolean execute(Runnable step) {
    return schedule(step, 0);
  }

  /**
   * Runs {@code step} on the hub's threads in {@code millis}; {@code false} (dropped) once the
   * hub is closed. A step that throws is logged; the threads go on.
   */
  boolean schedule(Runnable step, long millis) {
    Runnable guarded = () -> {
      try {
        step.run();
      } catch (RuntimeException | Error e) {
        LOG.log(Level.WARNING, "a step of the hub failed", e);
      }
    };
    try {
      if (millis <= 0) {
        executor.execute(guarded);
      } else {
        executor.schedule(guarded, millis, TimeUnit.MILLISECONDS);
      }
      return true;
    } catch (RejectedExecutionException closing) {
      return false; // the hub is closed: every stream has ended
    }
  }


  /**
   * The history failed to answer a stream. The first failure of an outage is logged, once; the
   * outage counts the streams it ended.
   */
  void historyFailed(Throwable failure, boolean streamEnded) {
    Outage now = outage.get();
    if (now == null) {
      Outage started = new Outage(System.nanoTime());
      if (outage.compareAndSet(null, started)) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException
            && failure.getCause() != null ? failure.getCause() : failure;
        LOG.log(Level.WARNING, "the history cannot answer streams ({0}); streams that start or"
            + " catch up meanwhile end, and their clients come back", cause.toString());
        now = started;
      } else {
        now = outage.get();
      }
    }
    if (streamEnded && now != null) {
      now.streamsEnded.incrementAndGet();
    }
  }

  /** The history answered: ends an outage, logging its length and the streams it ended. */
  void historyAnswered() {
    if (outage.get() == null) {
      return;
    }
    Outage ended = outage.getAndSet(null);
    if (ended != null) {
      LOG.log(Level.INFO, "the history answers streams again after {0} ms; {1} streams ended"
          + " meanwhile", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ended.startNanos),
          ended.streamsEnded.get());
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

  /** An outage of the history: since when, and how many streams it ended. */
  private static final class Outage {
    final long startNanos;
    final AtomicInteger streamsEnded = new AtomicInteger();

    Outage(long startNanos) {
      this.startNanos = startNanos;
    }
  }

  /** An event this hub handed to the fanout, and when its publish was accepted. */
  private record Origin(StoredEvent event, long nanos) {}

  /** The local streams of one topic and the fanout subscription that feeds them. */
  private static final class TopicStreams {
    final Set<HubSubscription> streams = ConcurrentHashMap.newKeySet();
    final CompletableFuture<Void> ready;
    /**
     * The topic's publish being handed to the fanout (one at a time per topic), while the
     * fanout's {@code publish} runs, when a listener times deliveries.
     */
    volatile Origin origin;

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
    private int replayConcurrency = DEFAULT_REPLAY_CONCURRENCY;
    private Duration idempotencyWindow = IdempotencyKey.DEFAULT_WINDOW;
    private SseListener listener = SseListener.NONE;

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

    /**
     * How many history reads (a stream's replay when it starts, a catch-up) may be in flight at
     * once; default 64. A read beyond them waits for one to finish, in the order the reads came:
     * meanwhile its stream stays open (the servlet's keep-alives go on) and its live events wait
     * behind the replay as they always do, so nothing is lost. A stream that ends while it
     * waits gives up its place. This keeps a reconnect storm of thousands of clients from
     * sending thousands of reads to the history at once.
     */
    public Builder replayConcurrency(int count) {
      if (count <= 0) {
        throw new IllegalArgumentException("replayConcurrency must be positive, was " + count);
      }
      this.replayConcurrency = count;
      return this;
    }

    /**
     * How long the history remembers a publish's idempotency key (see {@link
     * SseHub#publish(String, String, String, String)}); default 5 minutes, at most a day.
     */
    public Builder idempotencyWindow(Duration window) {
      this.idempotencyWindow = IdempotencyKey.requireValidWindow(window);
      return this;
    }

    /**
     * What hears of the hub's publishes, deliveries, resumes and failures (see {@link
     * SseListener}); default {@link SseListener#NONE}.
     */
    public Builder listener(SseListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /** Creates the hub and starts its fanout. */
    public SseHub build() {
      return new SseHub(this);
    }
  }
}
