package io.ssekit.spi;

/**
 * What happens in a hub and in the servlets that stream from it, reported as it happens: for
 * metrics (the {@code sse-micrometer} module implements it) or anything else that counts. Give
 * one to {@code SseHub.Builder.listener} and to the servlet's {@code listener} setting.
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li>Every method has a default that does nothing. {@link #NONE} ignores everything, and the
 *       hub and the servlet given it skip the work of reporting: they read no clock and keep no
 *       timestamps for it.</li>
 *   <li>Methods are called from many threads at once (publishers', the hub's, the writers', the
 *       container's): an implementation is thread-safe.</li>
 *   <li>A method never blocks, never calls into the hub or a stream, and returns quickly. Those
 *       marked <em>under a lock</em> run while the hub holds a stream's lock or while a
 *       connection writes: they add to that stream's time.</li>
 *   <li>An exception thrown by a method is caught and logged once; the hub and the streams go on
 *       as if the method had returned.</li>
 *   <li>Counts are exact: each stream that opens is reported {@link #streamClosed closed} once,
 *       each event queued to a stream is {@link #delivered} once, each write of a stream's socket
 *       is {@link #written} once with its size.</li>
 *   <li>Durations are in nanoseconds of {@link System#nanoTime()}.</li>
 * </ol>
 */
public interface SseListener {
  /** Ignores everything; the hub and the servlet skip reporting altogether. */
  SseListener NONE = new SseListener() {};

  // --- the hub ---

  /**
   * A publish ended. Called on the thread that completed it (a history's, a fanout's, a
   * writer's), or on the publisher's for {@link PublishResult#REJECTED}.
   *
   * @param nanos from the moment the hub accepted it to the moment the fanout took it (waits for
   *     the writers' pace and for the topic's earlier publishes included); 0 when rejected
   */
  default void published(PublishResult result, long nanos) {}

  /**
   * A publish to {@code topic} ended: what the hub calls, with the topic, for a listener that
   * counts by topic. By default {@link #published(PublishResult, long)}.
   *
   * @param topic the topic as the publisher gave it: valid unless {@code result} is {@link
   *     PublishResult#REJECTED}, when it may be invalid or {@code null}
   */
  default void published(String topic, PublishResult result, long nanos) {
    published(result, nanos);
  }

  /** One event was queued to one stream, live or replayed. <em>Under a lock.</em> */
  default void delivered() {}

  /**
   * One event of {@code topic} (never {@code null}) was queued to one stream: what the hub calls,
   * with the topic, for a listener that counts by topic. By default {@link #delivered()}.
   * <em>Under a lock</em>, once per event and stream: keep it as cheap as {@link #delivered()}.
   */
  default void delivered(String topic) {
    delivered();
  }

  /**
   * A stream that gave a {@code Last-Event-ID} got the history's answer. <em>Under a lock.</em>
   *
   * @param replayed the events the history gave back for it
   */
  default void resumed(ResumeResult result, int replayed) {}

  /**
   * A live stream asks the history for events the fanout may have missed (after a cut of a
   * distributed fanout's connection). <em>Under a lock.</em>
   */
  default void catchingUp() {}

  /** A history or fanout operation failed. Called on the thread that saw it fail. */
  default void failed(Operation operation) {}

  // --- the servlet ---

  /**
   * A stream request was answered: opened, or refused. Called on a container thread. A stream
   * reported {@link OpenResult#OK} is reported {@link #streamClosed} once, later.
   */
  default void streamOpened(OpenResult result) {}

  /** An opened stream ended. Called on the thread that ended it. */
  default void streamClosed(CloseReason reason) {}

  /**
   * One write of a stream's socket: the bytes of one or more events and frames of the servlet's
   * own (the first comment, keep-alives), in one call. <em>Under a lock</em> (the connection's).
   */
  default void written(int bytes) {}

  /**
   * A write handed live events to a stream's socket: called for a sample of such writes (a write
   * carries every event queued meanwhile), after {@link #written}. The servlet samples a stream's
   * first write of live events and every fourth after it, so that the lag costs a quarter of its
   * clock reads and histogram updates; a sample of a quarter is as good a measure of the lag's
   * distribution, not of the number of writes (that is {@link #written}'s). <em>Under a lock</em>
   * (the connection's).
   *
   * @param lagNanos of the oldest live event in the write: from the moment this instance's hub
   *     accepted its publish (or, for an event published on another instance, appended there
   *     when the fanout tells, as the Redis fanout does, else received from the fanout) to now
   */
  default void sent(long lagNanos) {}

  /** A request was refused for its credentials: a stream's, or a ticket's. */
  default void authRefused(int status) {}

  /** A stream ticket was issued, or a request for one refused. */
  default void ticket(boolean issued) {}

  /**
   * A stream request was granted for a stream ticket: the ticket was redeemed and cannot be used
   * again, whether or not the stream then opens (its topics may be outside the ticket's). Called
   * on a container thread. A ticket refused at redemption (forged, expired, used already) is an
   * {@link #authRefused} {@code 401}, not this.
   */
  default void ticketRedeemed() {}

  /**
   * Numbers to read when they are asked for (gauges): a servlet attaches its streams when it
   * starts and detaches them when it stops. Several may be attached at once.
   */
  default void attach(Source source) {}

  /** {@code source} stopped; see {@link #attach}. */
  default void detach(Source source) {}

  /**
   * What a servlet reports when asked rather than as it changes. Thread-safe; each call is
   * cheap enough for a metrics scrape but walks the streams: do not call it per event.
   */
  interface Source {
    /** The streams open now. */
    int openStreams();

    /** The bytes queued now in the streams' queues, not yet written to their sockets. */
    long queuedBytes();
  }

  /** How a publish ended. */
  enum PublishResult {
    /** In the history and handed to the fanout. */
    OK,
    /** The history or the fanout failed. */
    FAILED,
    /** Refused before it started: an invalid topic or name, data too large, the hub closed. */
    REJECTED;

    /** The value as a metric tag: lowercase, hyphenated. */
    public String tag() {
      return Texts.tag(name());
    }
  }

  /** How a stream's {@code Last-Event-ID} was answered. */
  enum ResumeResult {
    /** Everything after it was replayed. */
    EXACT,
    /** The history no longer had everything: {@code sse-reset} with reason {@code gap}. */
    GAP,
    /** It came from a history that is gone: {@code sse-reset} {@code unknown-epoch}. */
    UNKNOWN_EPOCH,
    /** It was no id of ours: {@code sse-reset} {@code malformed-id}. */
    MALFORMED_ID;

    /** The value as a metric tag: lowercase, hyphenated. */
    public String tag() {
      return Texts.tag(name());
    }
  }

  /** A history or fanout operation. */
  enum Operation {
    /** {@link EventHistory#append}. */
    HISTORY_APPEND("history", "append"),
    /** {@link EventHistory#replay}. */
    HISTORY_REPLAY("history", "replay"),
    /** {@link Fanout#publish}. */
    FANOUT_PUBLISH("fanout", "publish"),
    /** {@link Fanout#subscribe}. */
    FANOUT_SUBSCRIBE("fanout", "subscribe"),
    /** {@link Fanout#unsubscribe}. */
    FANOUT_UNSUBSCRIBE("fanout", "unsubscribe");

    private final String component;
    private final String operation;

    Operation(String component, String operation) {
      this.component = component;
      this.operation = operation;
    }

    /** {@code history} or {@code fanout}. */
    public String component() {
      return component;
    }

    /** The operation's name within its component, for example {@code append}. */
    public String operation() {
      return operation;
    }
  }

  /** How a stream request was answered. */
  enum OpenResult {
    /** The stream opened. */
    OK,
    /** Refused: the connection cap was reached. */
    BUSY,
    /** Refused: over the connect-rate limit (too many new streams this second). */
    RATE_LIMITED,
    /** Refused: the servlet is shutting down. */
    SHUTDOWN,
    /**
     * Refused: the principal or the client address holds as many streams as its cap allows
     * (the refuse-new policy).
     */
    LIMITED,
    /** Refused: no valid credentials (401). */
    UNAUTHORIZED,
    /**
     * Refused: the credentials may not subscribe to a topic, or the authenticator denied with
     * 403 or another status but 401.
     */
    FORBIDDEN,
    /** Refused: an invalid topic (400). */
    INVALID,
    /** Failed: the authenticator failed, or the request ended before the stream opened. */
    ERROR;

    /** The value as a metric tag: lowercase, hyphenated. */
    public String tag() {
      return Texts.tag(name());
    }
  }

  /** Why an opened stream ended. */
  enum CloseReason {
    /** The client went away (the connection closed, or a write failed). */
    CLIENT_GONE,
    /** The client did not read fast enough: its queue overflowed. */
    FELL_BEHIND,
    /** Its credentials expired. */
    CREDENTIALS_EXPIRED,
    /** The servlet shut down. */
    SHUTDOWN,
    /** It reached its maximum lifetime. */
    MAX_LIFETIME,
    /**
     * Its principal or client address opened one stream more than its cap allows, and it was
     * the oldest (the supersede-oldest policy).
     */
    SUPERSEDED,
    /** The hub ended it: the history could not answer, or the hub closed. */
    ENDED,
    /** The container reported an error or a timeout. */
    ERROR;

    /** The value as a metric tag: lowercase, hyphenated. */
    public String tag() {
      return Texts.tag(name());
    }
  }
}
