package io.ssekit;

import io.ssekit.spi.Backoff;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.Replay;
import io.ssekit.spi.SseEvent;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.StoredEvent;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One stream inside the hub: its position in each of its topics, the backlog it still has to
 * write, and its state machine ({@code docs/design.md}, "A stream in the hub"):
 *
 * <pre>
 *   STARTING ──history answers──▶ BACKLOG ──backlog written, nothing owed──▶ LIVE
 *                                  │  ▲                                       │
 *        topics owed, or an event  │  │ history                fanout missed  │
 *        of a new epoch            ▼  │ answers                topics, or an  │
 *                                CATCHING_UP ◀──────────────── event of a new ┘
 *                                                              epoch
 *   any state ──ended by the hub, or closed by the application──▶ CLOSED
 * </pre>
 *
 * <ul>
 *   <li><b>STARTING</b>: registered for live events; the history is asked what the client
 *       missed. Live events wait ({@code waiting}, at most {@code maxPendingEvents}).</li>
 *   <li><b>BACKLOG</b>: the start cursor (and {@code sse-reset}, if the client cannot have
 *       everything) is written; then the replayed events, as the sink's credit allows; then
 *       topics the fanout missed meanwhile are caught up; then the live events that waited, as
 *       the next backlog. Live events keep waiting meanwhile.</li>
 *   <li><b>LIVE</b>: live events are written as they come.</li>
 *   <li><b>CATCHING_UP</b>: the history is asked again, for topics the fanout missed events of,
 *       or for all topics when the history has a new epoch (it lost what it held). Live events
 *       wait.</li>
 *   <li><b>CLOSED</b>: nothing more is written; final.</li>
 * </ul>
 *
 * <p>Every event is checked against the stream's position for its topic, so one that is both
 * replayed and live is written once. Transitions happen under this object's lock; what they
 * cause outside the stream (a history read, the sink's {@code end()}, the release of the hub's
 * registration) is returned as an action and run after the lock is released. The hub's answers
 * and backlog turns run on the hub's own threads, never inside a caller's step; the only call
 * that comes up from the sink is {@link #request}, which adds credit and hands the backlog to
 * those threads.
 */
final class HubSubscription implements Subscription {
  private static final System.Logger LOG = System.getLogger(SseHub.class.getName());

  /** Reads of the history a catching-up stream makes before it gives up (about 10 s). */
  private static final int CATCH_UP_ATTEMPTS = 10;

  /** The stream's states; see the class comment. */
  enum State { STARTING, BACKLOG, LIVE, CATCHING_UP, CLOSED }

  /** What a history read is for. */
  private enum Read {
    /** The stream's first read, after the client's cursor. */
    START,
    /** Topics the fanout missed events of, after the stream's positions. */
    CATCH_UP,
    /** Every topic again: the history has a new epoch. */
    RESTART
  }

  private final SseHub hub;
  private final SseListener listener;
  private final SortedSet<String> topicSet;
  private final String[] topics;
  private final StreamSink sink;
  private final Cursor requested;
  private final boolean malformed;
  private final int maxPending;
  private final Runnable end = this::endNow;
  private final Runnable drainTurn = this::drainTurn;

  // Guarded by this.
  private State state = State.STARTING;
  private String epoch;
  private final long[] positions;
  /** What is being written as credit allows: replayed events, or live events that waited. */
  private ArrayDeque<Pending> backlog;
  /** Live events that arrived while the stream was not live, bounded by maxPending. */
  private ArrayDeque<Pending> waiting;
  /** Bytes the sink can take now (below zero after live events it took regardless). */
  private long credit;
  /** The most credit the sink has granted at once: with this much, its queue is empty. */
  private long peak;
  /** A backlog turn is queued on the hub's threads. */
  private boolean turnQueued;
  /** Topics the fanout missed events of while the stream was not live. */
  private final Set<String> owed = new TreeSet<>();
  /** The epoch whose event caused the restart in flight. */
  private String restartSeen;
  /** Epochs this stream restarted away from, or that the history did not know; dropped. */
  private final Set<String> retiredEpochs = new TreeSet<>();
  /** The read in flight, its cursor and the failed attempts so far. */
  private Read reading;
  private Cursor readFrom;
  private int attempts;
  /** The place of the read in flight while it waits for the hub's replay budget. */
  private ReplayBudget.Place place;

  HubSubscription(SseHub hub, SortedSet<String> topics, StreamSink sink, Cursor requested,
      boolean malformed, int maxPending) {
    this.hub = hub;
    this.listener = hub.listener();
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

  @Override
  public synchronized boolean isOpen() {
    return state != State.CLOSED;
  }

  synchronized State state() {
    return state;
  }

  // --- what comes in: the hub's start, live events, missed topics, credit, close ---

  /** Asks the history what the client missed; the hub calls this once, after registering. */
  void start() {
    Runnable after;
    synchronized (this) {
      after = state == State.STARTING ? read(Read.START, requested) : null;
    }
    run(after);
  }

  /** A live event of one of this stream's topics, from the fanout. */
  void deliver(StoredEvent event, EncodedEvent encoded) {
    Runnable after;
    synchronized (this) {
      after = onLive(event, encoded);
    }
    if (after != null) {
      run(after);
    }
  }

  /** The fanout may have missed events of {@code missed}: catch them up from the history. */
  void missed(Set<String> missed) {
    Runnable after = null;
    synchronized (this) {
      switch (state) {
        case LIVE -> {
          Map<String, Long> at = positionMap(missed);
          if (!at.isEmpty()) {
            after = catchUp(at);
          }
        }
        case STARTING, BACKLOG, CATCHING_UP -> owed.addAll(missed);
        case CLOSED -> { }
      }
    }
    run(after);
  }

  @Override
  public void request(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("request must be positive, was " + bytes);
    }
    boolean queueTurn;
    synchronized (this) {
      credit = credit + bytes < credit ? Long.MAX_VALUE : credit + bytes;
      peak = Math.max(peak, credit);
      queueTurn = state == State.BACKLOG && credit > 0 && !turnQueued;
      turnQueued |= queueTurn;
    }
    if (queueTurn) {
      hub.execute(drainTurn);
    }
  }

  @Override
  public void close() {
    boolean wasOpen;
    synchronized (this) {
      wasOpen = closeLocked();
    }
    if (wasOpen) {
      hub.release(this);
    }
  }

  /** Ends the stream on the hub's side: closes it and tells the sink, once. */
  void end() {
    Runnable after;
    synchronized (this) {
      after = ended();
    }
    run(after);
  }

  // --- transitions; the caller holds this lock and runs the returned action after it ---

  private Runnable onLive(StoredEvent event, EncodedEvent encoded) {
    switch (state) {
      case LIVE -> {
        return switch (write(event, encoded)) {
          case WRITTEN, SKIPPED -> null;
          case NEW_EPOCH -> {
            backlog().addFirst(new Pending(event, encoded));
            yield restart(event.epoch());
          }
          case REFUSED -> ended();
        };
      }
      case STARTING, BACKLOG, CATCHING_UP -> {
        if (waiting().size() >= maxPending) {
          LOG.log(Level.DEBUG, "stream {0} ended: more than {1} live events waited for its"
              + " backlog", topicSet, maxPending);
          return ended();
        }
        waiting.addLast(new Pending(event, encoded));
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  /** A history read for {@code kind} from {@code from}; the stream waits for it. */
  private Runnable read(Read kind, Cursor from) {
    reading = kind;
    readFrom = from;
    Set<String> which = from == null || kind == Read.START ? topicSet : from.topics();
    // At most the hub's replayConcurrency reads run at once; this one may wait its turn, while
    // live events wait behind it as for any read, and the sink's keep-alives go on.
    return () -> entered(hub.replays().enter(() ->
        (kind == Read.START ? hub.startReplay(from, which) : hub.replay(from, which))
            .whenComplete((replay, failure) ->
                hub.execute(() -> answered(kind, replay, failure)))));
  }

  /** Keeps the place of a read that waits for its turn, so that closing the stream leaves it. */
  private void entered(ReplayBudget.Place entered) {
    synchronized (this) {
      if (state != State.CLOSED) {
        if (entered.isWaiting()) {
          place = entered;
        }
        return;
      }
    }
    entered.leave();
  }

  private Runnable catchUp(Map<String, Long> at) {
    listener.catchingUp();
    state = State.CATCHING_UP;
    attempts = 0;
    return read(Read.CATCH_UP, Cursor.of(epoch, at));
  }

  /** The history has a new epoch ({@code seen}): start again in place from what it holds. */
  private Runnable restart(String seen) {
    LOG.log(Level.DEBUG, "stream {0} restarts: history epoch changed to {1}", topicSet, seen);
    state = State.CATCHING_UP;
    attempts = 0;
    restartSeen = seen;
    return read(Read.RESTART, Cursor.of(epoch, positionMap(topicSet)));
  }

  /** The history's answer to a read, on the hub's threads. */
  private void answered(Read kind, Replay replay, Throwable failure) {
    Runnable after;
    boolean streamEnded;
    synchronized (this) {
      if (state == State.CLOSED || reading != kind
          || state != (kind == Read.START ? State.STARTING : State.CATCHING_UP)) {
        return;
      }
      place = null;
      if (failure == null) {
        after = applyOrEnd(kind, replay);
      } else if (kind != Read.START && ++attempts < CATCH_UP_ATTEMPTS) {
        Cursor from = readFrom;
        after = () -> hub.schedule(() -> retry(kind, from), Backoff.DEFAULT.pauseMillis(attempts));
      } else {
        // The client reconnects with its cursor and gets what the history answers then.
        LOG.log(Level.DEBUG, "stream {0} ended: the history could not answer", topicSet);
        after = ended();
      }
      streamEnded = state == State.CLOSED;
    }
    if (failure == null) {
      hub.historyAnswered();
    } else {
      listener.failed(SseListener.Operation.HISTORY_REPLAY);
      hub.historyFailed(failure, streamEnded);
    }
    run(after);
  }

  private void retry(Read kind, Cursor from) {
    Runnable after;
    synchronized (this) {
      after = state == State.CATCHING_UP && reading == kind ? read(kind, from) : null;
    }
    run(after);
  }

  /** Applies an answer; one the stream cannot use (a start without a topic, say) ends it. */
  private Runnable applyOrEnd(Read kind, Replay replay) {
    try {
      return apply(kind, replay);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "stream " + topicSet + " ended: " + e.getMessage(), e);
      return ended();
    }
  }

  private Runnable apply(Read kind, Replay replay) {
    reading = null;
    String answered = replay.start().epoch();
    switch (kind) {
      case START -> {
        epoch = answered;
        takePositions(replay);
        startBeforeLiveEventsOfNewTopics(replay);
        String reason = malformed ? ProtocolEvents.RESET_MALFORMED_ID
            : requested != null && !requested.epoch().equals(epoch)
                ? ProtocolEvents.RESET_UNKNOWN_EPOCH
                : replay.complete() ? null : ProtocolEvents.RESET_GAP;
        if (malformed || requested != null) {
          listener.resumed(resumeResult(reason), replay.events().size());
        }
        if (!offer(SseEncoder.idOnly(cursorText()))
            || reason != null && !offer(resetFrame(reason, malformed ? topicSet : replay.incomplete()))) {
          return ended();
        }
      }
      case CATCH_UP -> {
        if (!answered.equals(epoch)) {
          return restart(answered);
        }
        if (!replay.complete()) {
          // Goes on from where the history says, even below where the stream was: after the
          // reset, an event there is new to the client (a history that lost events the stream
          // had answers a start below them).
          for (String topic : replay.incomplete()) {
            positions[Arrays.binarySearch(topics, topic)] =
                replay.start().position(topic).orElseThrow();
          }
          if (!offer(resetFrame(ProtocolEvents.RESET_GAP, replay.incomplete()))
              || !offer(SseEncoder.idOnly(cursorText()))) {
            return ended();
          }
        }
      }
      case RESTART -> {
        String reason = !answered.equals(epoch) ? ProtocolEvents.RESET_UNKNOWN_EPOCH
            : replay.complete() ? null : ProtocolEvents.RESET_GAP;
        if (!answered.equals(epoch)) {
          retiredEpochs.add(epoch);
        }
        if (!answered.equals(restartSeen)) {
          // The epoch that caused the restart is not the history's (a late event of an epoch
          // the stream never had, or another instance's history): its events are dropped, or
          // each would restart the stream again.
          retiredEpochs.add(restartSeen);
        }
        epoch = answered;
        takePositions(replay);
        if (!offer(SseEncoder.idOnly(cursorText()))
            || reason != null && !offer(resetFrame(reason, replay.incomplete()))) {
          return ended();
        }
      }
    }
    List<StoredEvent> replayed = replay.events();
    for (int i = replayed.size() - 1; i >= 0; i--) {
      backlog().addFirst(new Pending(replayed.get(i), null));
    }
    state = State.BACKLOG;
    return drain();
  }

  /** A backlog turn on the hub's threads, once the sink granted credit. */
  private void drainTurn() {
    Runnable after;
    synchronized (this) {
      turnQueued = false;
      try {
        after = state == State.BACKLOG ? drain() : null;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "stream " + topicSet + " ended: its backlog failed", e);
        after = ended();
      }
    }
    run(after);
  }

  /**
   * Writes the backlog while the sink has credit for the next event (or has all it ever granted:
   * an event larger than that goes out alone into an empty queue). When the backlog is done,
   * topics owed a catch-up come first, while the live events that waited still wait: one of
   * theirs written before would move the stream past what it missed. Then those live events,
   * as the next backlog; then the stream is live.
   */
  private Runnable drain() {
    while (true) {
      Pending next = backlog().peekFirst();
      if (next == null) {
        if (!owed.isEmpty()) {
          Map<String, Long> at = positionMap(owed);
          owed.clear();
          if (!at.isEmpty()) {
            return catchUp(at);
          }
        }
        if (waiting == null || waiting.isEmpty()) {
          // A live stream keeps no queues: most streams are live, and idle.
          backlog = null;
          waiting = null;
          state = State.LIVE;
          return null;
        }
        ArrayDeque<Pending> waited = waiting;
        waiting = backlog;
        backlog = waited;
        continue;
      }
      switch (check(next.event())) {
        case SKIPPED -> backlog.pollFirst();
        case NEW_EPOCH -> {
          return restart(next.event().epoch());
        }
        default -> {
          EncodedEvent bytes = next.encoded() != null ? next.encoded()
              : hub.replayEncodings().of(next.event());
          if (credit < sizeOf(bytes) && credit < peak) {
            if (next.encoded() == null) {
              backlog.pollFirst(); // encoded once, kept for the next turn
              backlog.addFirst(new Pending(next.event(), bytes));
            }
            return null; // request() queues the next turn
          }
          backlog.pollFirst();
          if (!emit(next.event(), bytes)) {
            return ended();
          }
        }
      }
    }
  }

  private enum Written { WRITTEN, SKIPPED, NEW_EPOCH, REFUSED }

  /** Whether {@code event} is one to write, one the stream has, or one of a new epoch. */
  private Written check(StoredEvent event) {
    if (!event.epoch().equals(epoch)) {
      // A late event of a history this stream has left, or the first of a new one.
      return retiredEpochs.contains(event.epoch()) ? Written.SKIPPED : Written.NEW_EPOCH;
    }
    int i = topics.length == 1 ? 0 : Arrays.binarySearch(topics, event.topic());
    return i < 0 || event.position() <= positions[i] ? Written.SKIPPED : Written.WRITTEN;
  }

  /** Writes one event unless the stream has it already. */
  private Written write(StoredEvent event, EncodedEvent encoded) {
    Written checked = check(event);
    if (checked != Written.WRITTEN) {
      return checked;
    }
    return emit(event, encoded != null ? encoded : hub.replayEncodings().of(event))
        ? Written.WRITTEN : Written.REFUSED;
  }

  /** Queues an event the stream does not have yet, moving its position. */
  private boolean emit(StoredEvent event, EncodedEvent bytes) {
    int i = topics.length == 1 ? 0 : Arrays.binarySearch(topics, event.topic());
    positions[i] = event.position();
    boolean taken;
    if (topics.length == 1) {
      credit -= bytes.frame().length;
      taken = sink.offer(null, bytes.frame(), bytes.publishedNanos());
    } else {
      byte[] id = SseEncoder.idField(cursorText());
      credit -= id.length + bytes.body().length;
      taken = sink.offer(id, bytes.body(), bytes.publishedNanos());
    }
    if (taken) {
      listener.delivered(event.topic());
    }
    return taken && state != State.CLOSED;
  }

  /** What the listener hears of a resume answered with {@code reset} ({@code null}: none). */
  private static SseListener.ResumeResult resumeResult(String reset) {
    if (reset == null) {
      return SseListener.ResumeResult.EXACT;
    }
    return switch (reset) {
      case ProtocolEvents.RESET_MALFORMED_ID -> SseListener.ResumeResult.MALFORMED_ID;
      case ProtocolEvents.RESET_UNKNOWN_EPOCH -> SseListener.ResumeResult.UNKNOWN_EPOCH;
      default -> SseListener.ResumeResult.GAP;
    };
  }

  /**
   * At least what {@link #emit} queues for {@code bytes}: with several topics, the id field of
   * the cursor, whose position for the event's topic may grow by up to 19 digits.
   */
  private int sizeOf(EncodedEvent bytes) {
    return topics.length == 1
        ? bytes.frame().length
        : bytes.body().length + cursorText().length() + "id: \n".length() + 19;
  }

  /**
   * Queues a frame of the hub's own; {@code false} when the sink refused it, or closed the stream
   * from inside the call (then nothing more is written: CLOSED is final).
   */
  private boolean offer(byte[] frame) {
    credit -= frame.length;
    return sink.offer(null, frame) && state != State.CLOSED;
  }

  /** Closes the stream from the hub's side: the action tells the sink, once. */
  private Runnable ended() {
    return closeLocked() ? end : null;
  }

  private boolean closeLocked() {
    if (state == State.CLOSED) {
      return false;
    }
    state = State.CLOSED;
    backlog = null;
    waiting = null;
    owed.clear();
    reading = null;
    if (place != null) {
      place.leave(); // a read still waiting for its turn never starts
      place = null;
    }
    return true;
  }

  /** After {@link #ended()}: outside the lock, the sink's end and the hub's release. */
  private void endNow() {
    try {
      sink.end();
    } finally {
      hub.release(this);
    }
  }

  private static void run(Runnable action) {
    if (action != null) {
      action.run();
    }
  }

  private ArrayDeque<Pending> backlog() {
    if (backlog == null) {
      backlog = new ArrayDeque<>();
    }
    return backlog;
  }

  private ArrayDeque<Pending> waiting() {
    if (waiting == null) {
      waiting = new ArrayDeque<>();
    }
    return waiting;
  }

  // --- positions ---

  private void takePositions(Replay replay) {
    for (int i = 0; i < topics.length; i++) {
      positions[i] = replay.start().position(topics[i]).orElseThrow(() ->
          new IllegalStateException("history answered a start cursor without a requested topic"));
    }
  }

  /** This stream's positions of those of its topics that are in {@code which}. */
  private Map<String, Long> positionMap(Collection<String> which) {
    Map<String, Long> at = new TreeMap<>();
    for (int i = 0; i < topics.length; i++) {
      if (which.contains(topics[i])) {
        at.put(topics[i], positions[i]);
      }
    }
    return at;
  }

  /**
   * A topic the client had no position for starts at the history's head when the replay was
   * read. A history that answers late may count in its head events published after this stream
   * was registered; they came live meanwhile, and the stream starts just before the first of
   * them, so that every event published after {@code subscribe} returned is written.
   */
  private void startBeforeLiveEventsOfNewTopics(Replay replay) {
    if (waiting == null) {
      return;
    }
    boolean[] seen = new boolean[topics.length];
    for (Pending live : waiting) {
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
   * An event to write: a live one with its shared encoding, or a replayed one, encoded ({@code
   * null}) when it is reached.
   */
  private record Pending(StoredEvent event, EncodedEvent encoded) {}
}
