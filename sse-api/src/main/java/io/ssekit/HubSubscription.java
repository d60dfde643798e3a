package io.ssekit;

import io.ssekit.internal.EncodedEvent;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.Collection;
import java.util.TreeSet;

/**
 * One stream inside the hub. It is registered for live events before the history is asked what
 * the client missed; live events that arrive meanwhile wait in {@code pending}. When the replay
 * arrives, the stream writes its start cursor, the reset notice if any, the replayed events, then
 * the pending ones, and from then on live events directly. Every event is checked against the
 * stream's position for its topic, so an event that is both replayed and live is written once.
 *
 * <p>The replayed events and the pending ones form a backlog that may be larger than the sink's
 * queue: it is written in pieces that fit, each after the sink has drained the last (see {@link
 * StreamSink#drained()}), and live events keep waiting in {@code pending} until it is done.
 */
final class HubSubscription implements Subscription {
  private static final System.Logger LOG = System.getLogger(SseHub.class.getName());

  private enum State { STARTING, LIVE, CATCHING_UP, CLOSED }

  private final SseHub hub;
  private final SortedSet<String> topicSet;
  private final String[] topics;
  private final long[] positions;
  private final StreamSink sink;
  private final Cursor requested;
  private final boolean malformed;
  private final int maxPending;

  private State state = State.STARTING;
  private String epoch;
  private List<Pending> pending = new ArrayList<>();
  /** Reads of the history a catching-up stream makes before it gives up (about 10 s). */
  private static final int CATCH_UP_ATTEMPTS = 10;
  /** States of a wait for the sink to drain: see waitForDrain. */
  private static final int REGISTERING = 0;
  private static final int DRAINED_AT_ONCE = 1;
  private static final int WAITING = 2;

  private int attempts;
  /** Restarts in place so far: a backlog being written stops at one (see writeBacklog). */
  private int restarts;
  /** Epochs this stream restarted away from; their late events are dropped. */
  private final Set<String> retiredEpochs = new TreeSet<>();
  /** Topics the fanout may have missed while this stream was starting or catching up. */
  private final Set<String> owed = new TreeSet<>();

  HubSubscription(SseHub hub, SortedSet<String> topics, StreamSink sink, Cursor requested,
      boolean malformed, int maxPending) {
    this.hub = hub;
    this.topicSet = topics;
    this.topics = topics.toArray(new String[0]);
    this.positions = new long[this.topics.length];
    this.sink = sink;
    this.requested = requested;
    this.malformed = malformed;
    this.maxPending = maxPending;
  }

  @Override
  public SortedSet<String> topics() {
    return topicSet;
  }

  /** When the stream's sink can take more: see {@link StreamSink#room()}. */
  CompletionStage<Void> room() {
    return sink.room();
  }

  @Override
  public synchronized boolean isOpen() {
    return state != State.CLOSED;
  }

  /** A live event of one of this stream's topics. */
  synchronized void deliver(StoredEvent event, EncodedEvent encoded) {
    if (state == State.LIVE) {
      write(event, encoded);
    } else if (state == State.STARTING || state == State.CATCHING_UP) {
      if (pending.size() >= maxPending) {
        LOG.log(Level.DEBUG, "stream {0} ended: more than {1} live events while its replay was"
            + " read", topicSet, maxPending);
        end();
        return;
      }
      pending.add(new Pending(event, encoded));
    }
  }

  /**
   * The history's answer, or its failure. A history that answers what the stream cannot use
   * (a start without one of its topics, say) ends the stream rather than leave it waiting.
   */
  void started(Replay replay, Throwable failure) {
    guarded(() -> start(replay, failure));
  }

  /** Runs a step on an answer of the history; one that throws ends the stream. */
  private void guarded(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "stream " + topicSet + " ended: " + e.getMessage(), e);
      end();
    }
  }

  private synchronized void start(Replay replay, Throwable failure) {
    if (state != State.STARTING) {
      return;
    }
    if (failure != null) {
      LOG.log(Level.WARNING, "stream " + topicSet + " ended: the history could not answer", failure);
      end();
      return;
    }
    epoch = replay.start().epoch();
    for (int i = 0; i < topics.length; i++) {
      positions[i] = replay.start().position(topics[i]).orElseThrow(() -> new IllegalStateException(
          "history answered a start cursor without a requested topic"));
    }
    startBeforeLiveEventsOfNewTopics(replay);
    if (!sink.offer(null, SseEncoder.idOnly(cursorText()))) {
      end();
      return;
    }
    String reason = resetReason(replay);
    if (reason != null
        && !sink.offer(null, resetFrame(reason, malformed ? topicSet : replay.incomplete()))) {
      end();
      return;
    }
    writeBacklog(replayed(replay), 0, this::goLive);
  }

  /**
   * The fanout may have missed events of {@code missed} topics: reads them from the history
   * after this stream's positions, and holds live events back meanwhile.
   */
  void catchUp(Set<String> missed) {
    Cursor from;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      if (state != State.LIVE) {
        owed.addAll(missed);
        return;
      }
      Map<String, Long> at = positionMap(missed);
      if (at.isEmpty()) {
        return;
      }
      state = State.CATCHING_UP;
      pending = new ArrayList<>();
      attempts = 0;
      from = Cursor.of(epoch, at);
    }
    readMissed(from, this::caughtUp);
  }

  /**
   * Reads {@code from}'s topics from the history for a stream that is catching up; a failed read
   * (the history's store is briefly unreachable, as when it reconnects after the fanout did) is
   * retried with growing pauses before {@code then} is told of the failure.
   */
  private void readMissed(Cursor from, BiConsumer<Replay, Throwable> then) {
    hub.replay(from, from.topics()).whenComplete((replay, failure) -> {
      int attempt;
      synchronized (this) {
        attempt = ++attempts;
      }
      if (failure == null || attempt >= CATCH_UP_ATTEMPTS) {
        guarded(() -> then.accept(replay, failure));
      } else {
        long pauseMillis = Math.min(2000, 50L << attempt);
        CompletableFuture.runAsync(() -> readMissed(from, then),
            CompletableFuture.delayedExecutor(pauseMillis, TimeUnit.MILLISECONDS));
      }
    });
  }

  private synchronized void caughtUp(Replay replay, Throwable failure) {
    if (state != State.CATCHING_UP) {
      return;
    }
    if (failure != null) {
      // The client reconnects with its cursor and gets what the history answers then.
      LOG.log(Level.DEBUG, "stream {0} ended: could not catch up", topicSet);
      end();
      return;
    }
    if (!replay.start().epoch().equals(epoch)) {
      restartInPlace(null);
      return;
    }
    if (!replay.complete()) {
      // Goes on from where the history says, even below where the stream was: after the reset,
      // an event there is new to the client (a history restored from older data reuses them).
      for (String topic : replay.incomplete()) {
        int i = Arrays.binarySearch(topics, topic);
        positions[i] = replay.start().position(topic).orElseThrow();
      }
      if (!sink.offer(null, resetFrame("gap", replay.incomplete()))
          || !sink.offer(null, SseEncoder.idOnly(cursorText()))) {
        end();
        return;
      }
    }
    writeBacklog(replayed(replay), 0, this::goLive);
  }

  /**
   * The history has a new epoch (it lost what it held): the stream starts again in place, as a
   * reconnect with its cursor would, with {@code sse-reset} and what the history holds now. Live
   * events wait meanwhile; {@code first} is one that arrived of the new epoch.
   */
  private void restartInPlace(Pending first) {
    state = State.CATCHING_UP;
    restarts++;
    if (pending == null) {
      pending = new ArrayList<>();
    }
    if (first != null) {
      pending.add(first);
    }
    attempts = 0;
    readMissed(Cursor.of(epoch, positionMap()), this::restarted);
  }

  private synchronized void restarted(Replay replay, Throwable failure) {
    if (state != State.CATCHING_UP) {
      return;
    }
    if (failure != null) {
      LOG.log(Level.DEBUG, "stream {0} ended: could not restart on the new history", topicSet);
      end();
      return;
    }
    String reason = replay.start().epoch().equals(epoch)
        ? (replay.complete() ? null : "gap") : "unknown-epoch";
    if (!replay.start().epoch().equals(epoch)) {
      retiredEpochs.add(epoch);
    }
    epoch = replay.start().epoch();
    for (int i = 0; i < topics.length; i++) {
      positions[i] = replay.start().position(topics[i]).orElseThrow();
    }
    if (!sink.offer(null, SseEncoder.idOnly(cursorText()))
        || reason != null && !sink.offer(null, resetFrame(reason, replay.incomplete()))) {
      end();
      return;
    }
    writeBacklog(replayed(replay), 0, () -> {
      pending.removeIf(live -> !live.event().epoch().equals(epoch));
      goLive();
    });
  }

  private Map<String, Long> positionMap() {
    return positionMap(topicSet);
  }

  /** This stream's positions of those of its topics that are in {@code which}. */
  private Map<String, Long> positionMap(Set<String> which) {
    Map<String, Long> at = new TreeMap<>();
    for (int i = 0; i < topics.length; i++) {
      if (which.contains(topics[i])) {
        at.put(topics[i], positions[i]);
      }
    }
    return at;
  }

  /**
   * Writes the live events that waited, then takes live events directly; but first catches up
   * the topics the fanout said were missed meanwhile, with every live event still waiting: one
   * of theirs written before would move the stream past what it missed.
   */
  private void goLive() {
    if (!owed.isEmpty()) {
      Map<String, Long> at = positionMap(owed);
      owed.clear();
      if (!at.isEmpty()) {
        state = State.CATCHING_UP;
        attempts = 0;
        Cursor from = Cursor.of(epoch, at);
        // Reads the history on another thread's completion; never blocks this one.
        CompletableFuture.runAsync(() -> readMissed(from, this::caughtUp));
        return;
      }
    }
    if (!pending.isEmpty()) {
      // Those that waited go first; any that arrive while they are written wait behind them.
      List<Pending> waiting = pending;
      pending = new ArrayList<>();
      writeBacklog(waiting, 0, this::goLive);
      return;
    }
    pending = null;
    state = State.LIVE;
  }

  /**
   * Writes {@code backlog} from {@code from} on, then runs {@code then}; the caller holds this
   * lock. An event that does not fit the sink's queue now waits until the sink has drained, and
   * the rest is written then; live events wait in {@code pending} meanwhile. An event of a new
   * epoch among them restarts the stream in place, which replays the rest.
   */
  private void writeBacklog(List<Pending> backlog, int from, Runnable then) {
    if (state == State.CLOSED) {
      return;
    }
    int restartsBefore = restarts;
    for (int i = from; i < backlog.size(); i++) {
      Pending item = backlog.get(i);
      EncodedEvent encoded =
          item.encoded() != null ? item.encoded() : EncodedEvent.of(item.event());
      if (bytesOf(encoded) > sink.spare() && waitForDrain(backlog, i, then)) {
        return;
      }
      if (!write(item.event(), encoded)) {
        return;
      }
      if (restarts != restartsBefore) {
        // The restart reads the history after the rest of these were added to it: what it
        // replays covers them. Those still new when it is done go out after it; once it has gone
        // live (a history that answered at once), none is.
        if (pending != null) {
          pending.addAll(backlog.subList(i + 1, backlog.size()));
        }
        return;
      }
    }
    then.run();
  }

  private synchronized void resumeBacklog(List<Pending> backlog, int from, Runnable then) {
    writeBacklog(backlog, from, then);
  }

  /**
   * Goes on with {@code backlog} from {@code from} once the sink has drained; {@code false} when
   * it has already (the caller writes on at once, instead of calling itself back).
   */
  private boolean waitForDrain(List<Pending> backlog, int from, Runnable then) {
    AtomicInteger registration = new AtomicInteger(REGISTERING);
    sink.drained().thenRun(() -> {
      if (!registration.compareAndSet(REGISTERING, DRAINED_AT_ONCE)) {
        guarded(() -> resumeBacklog(backlog, from, then));
      }
    });
    return registration.compareAndSet(REGISTERING, WAITING);
  }

  /**
   * At least what {@link #write} queues for {@code encoded}: with several topics, the id field
   * of the cursor, whose position for the event's topic may grow by up to 19 digits.
   */
  private int bytesOf(EncodedEvent encoded) {
    return topics.length == 1
        ? encoded.frame().length
        : encoded.body().length + cursorText().length() + "id: \n".length() + 19;
  }

  /** The replayed events as a backlog, each encoded when it is written. */
  private static List<Pending> replayed(Replay replay) {
    List<Pending> backlog = new ArrayList<>(replay.events().size());
    for (StoredEvent event : replay.events()) {
      backlog.add(new Pending(event, null));
    }
    return backlog;
  }

  /**
   * A topic the client had no position for starts at the history's head when the replay was
   * read. A history that answers late may count in its head events published after this stream
   * was registered; they came live meanwhile, and the stream starts just before the first of
   * them, so that every event published after {@code subscribe} returned is written.
   */
  private void startBeforeLiveEventsOfNewTopics(Replay replay) {
    if (pending.isEmpty()) {
      return;
    }
    boolean[] seen = new boolean[topics.length];
    for (Pending live : pending) {
      StoredEvent event = live.event();
      int i = topics.length == 1 ? 0 : Arrays.binarySearch(topics, event.topic());
      if (i < 0 || seen[i] || !event.epoch().equals(epoch)
          || replay.incomplete().contains(event.topic())) {
        continue;
      }
      seen[i] = true;
      boolean resumed = requested != null && requested.epoch().equals(epoch)
          && requested.position(topics[i]).isPresent();
      if (!resumed && event.position() <= positions[i]) {
        positions[i] = event.position() - 1;
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      pending = null;
    }
    hub.unregister(this);
  }

  /** Ends the stream on the hub's side: closes and tells the sink. */
  void end() {
    boolean wasOpen;
    synchronized (this) {
      wasOpen = state != State.CLOSED;
    }
    if (wasOpen) {
      close();
      sink.end();
    }
  }

  /** Writes one event unless the stream has it already; answers whether the stream goes on. */
  private boolean write(StoredEvent event, EncodedEvent encoded) {
    if (!event.epoch().equals(epoch)) {
      if (retiredEpochs.contains(event.epoch())) {
        return true; // a late event of a history this stream has already left
      }
      // The history has a new epoch: this stream's positions mean nothing there.
      LOG.log(Level.DEBUG, "stream {0} restarts: history epoch changed to {1}", topicSet,
          event.epoch());
      restartInPlace(new Pending(event, encoded));
      return true;
    }
    int i = topics.length == 1 ? 0 : Arrays.binarySearch(topics, event.topic());
    if (i < 0 || event.position() <= positions[i]) {
      return true;
    }
    positions[i] = event.position();
    boolean queued = topics.length == 1
        ? sink.offer(null, encoded.frame())
        : sink.offer(SseEncoder.idField(cursorText()), encoded.body());
    if (!queued) {
      end();
    }
    return queued;
  }

  private String resetReason(Replay replay) {
    if (malformed) {
      return "malformed-id";
    }
    if (requested != null && !requested.epoch().equals(epoch)) {
      return "unknown-epoch";
    }
    return replay.complete() ? null : "gap";
  }

  private String cursorText() {
    return Cursor.text(epoch, topics, positions);
  }

  /** {@code event: sse-reset} with a small JSON body; topic names need no JSON escaping. */
  private static byte[] resetFrame(String reason, Collection<String> lost) {
    StringBuilder json = new StringBuilder("{\"reason\":\"").append(reason).append("\",\"topics\":[");
    String separator = "";
    for (String topic : new TreeSet<>(lost)) {
      json.append(separator).append('"').append(topic).append('"');
      separator = ",";
    }
    json.append("]}");
    return SseEncoder.encode(SseEvent.named(ProtocolEvents.RESET, json.toString()));
  }

  @Override
  public String toString() {
    return "Subscription" + topicSet;
  }

  /**
   * An event of a backlog: a live one that arrived while the stream's replay was read, with its
   * shared encoding, or a replayed one, encoded ({@code null}) when written.
   */
  private record Pending(StoredEvent event, EncodedEvent encoded) {}

}
