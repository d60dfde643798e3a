package io.ssekit.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * A Server-Sent Events client that resumes without loss: it reconnects after every failure with
 * exponential back-off and full jitter, sends the last event id it saw, and reads as fast as its
 * consumer takes events, no faster.
 *
 * <pre>{@code
 * EventSource source = EventSource.builder(URI.create("https://example.com/events?topic=news"))
 *     .headers(() -> Map.of("Authorization", "Bearer " + tokens.current()))
 *     .build();
 * source.start(new EventListener() {
 *   public void onEvent(MessageEvent event) { ... }
 * });
 * ...
 * source.close();
 * }</pre>
 *
 * <p>A source is consumed once, one of three ways: {@link #start(EventListener)}, {@link
 * #subscribe(Flow.Subscriber)} or {@link #iterator()}. The first connection is made then.
 *
 * <h2>Reconnection</h2>
 * <ul>
 *   <li>After an I/O error, the end of a stream, a read timeout, or a status that {@link
 *       Builder#reconnectOn} accepts (by default {@code 429} and every {@code 5xx}), the source
 *       waits and connects again, with {@code Last-Event-ID} and the headers its supplier gives
 *       then.</li>
 *   <li>The n-th wait in a row is a uniformly random time between zero and {@code initial × 2^(n-1)},
 *       at most the maximum ({@link Builder#backoff}: 1 s to 30 s by default); a server's {@code
 *       retry:} replaces the initial delay. A connection that stayed open for {@link
 *       Builder#resetBackoffAfter} (60 s) starts the count again.</li>
 *   <li>{@code Retry-After} on a refused response, and the {@code retry} of ssekit's {@code
 *       sse-busy}, {@code server-shutdown} and {@code sse-token-expired}, set the next wait
 *       exactly.</li>
 *   <li>{@code 204}, a status that {@code reconnectOn} refuses (by default every other {@code
 *       4xx}), a {@code 200} that is not {@code text/event-stream}, {@link Builder#maxAttempts}
 *       and {@link Builder#maxReconnectTime} stop the source.</li>
 * </ul>
 *
 * <h2>ssekit's own events</h2>
 * {@code sse-reset} is delivered as a {@link StreamReset} (to a listener) or as the event itself
 * (to a subscriber or an iterator; {@link StreamReset#of} reads it). {@code sse-token-expiring}
 * makes the source reconnect, with fresh headers and its last event id, before the credentials
 * expire. The other events of {@link ProtocolEvents} are handled by the source and not
 * delivered. Against any other server the source is a plain EventSource.
 *
 * <h2>Threads</h2>
 * A source owns two worker threads that end when idle and, unless a {@link Builder#scheduler} is
 * given, a timer thread; all are daemons. {@link #close()} ends the connection and the timer at
 * once; the JDK's HTTP client made for the source stops its own selector thread when it is
 * collected (Java 17) or at once (Java 21 and later). A client given with {@link
 * Builder#httpClient} is left as it is.
 */
public final class EventSource implements Flow.Publisher<MessageEvent>, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EventSource.class.getName());

  /** Where a source is, as a browser's {@code EventSource.readyState} says. */
  public enum ReadyState {
    /** Not started, connecting, or waiting to reconnect. */
    CONNECTING,
    /** A stream is open. */
    OPEN,
    /** Closed for good. */
    CLOSED
  }

  private final Settings settings;
  private final Engine engine;
  private final AtomicBoolean consumed = new AtomicBoolean();

  private EventSource(Settings settings) {
    this.settings = settings;
    this.engine = new Engine(settings);
  }

  /** A builder for a source of the stream at {@code uri} ({@code http} or {@code https}). */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** The stream's address. */
  public URI uri() {
    return settings.uri();
  }

  /** The last event id seen, sent as {@code Last-Event-ID} on the next connection; may be empty. */
  public String lastEventId() {
    return engine.lastEventId();
  }

  /** Where the source is now. */
  public ReadyState readyState() {
    return switch (engine.state()) {
      case OPEN -> ReadyState.OPEN;
      case CLOSED -> ReadyState.CLOSED;
      default -> ReadyState.CONNECTING;
    };
  }

  /**
   * Connects and delivers to {@code listener} until the source is closed.
   *
   * @throws IllegalStateException when the source was consumed already
   */
  public void start(EventListener listener) {
    Objects.requireNonNull(listener, "listener");
    claim("start(EventListener)");
    engine.start(new ListenerSink(listener));
  }

  /**
   * Connects and delivers events to {@code subscriber} as its demand allows: no bytes are read
   * while it has none, and nothing is held for it beyond what one read of the connection
   * brought. Cancelling the subscription closes the source; the subscriber completes when the
   * source is closed or stops on {@code 204}, and fails with an {@link EventSourceException} when
   * the source stops for any other reason. A second subscriber is refused with {@code onError}.
   */
  @Override
  public void subscribe(Flow.Subscriber<? super MessageEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!consumed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException(
          "an EventSource is consumed once, and this one already is"));
      return;
    }
    FlowSink sink = new FlowSink(subscriber);
    subscriber.onSubscribe(sink);
    engine.start(sink);
  }

  /**
   * Connects and returns a blocking iterator over the events; it holds at most {@value
   * EventIterator#PREFETCH} events ahead of its reader. Closing it closes the source.
   *
   * @throws IllegalStateException when the source was consumed already
   */
  public EventIterator iterator() {
    claim("iterator()");
    EventIterator events = new EventIterator(this);
    FlowSink sink = new FlowSink(events.subscriber());
    events.subscriber().onSubscribe(sink);
    engine.start(sink);
    return events;
  }

  /**
   * Closes the connection, stops every timer and delivers the end ({@link
   * EventListener#onClosed()}, {@code onComplete}, the iterator's end). Called from outside the
   * source's callbacks, it returns once the last callback has returned. Idempotent.
   */
  @Override
  public void close() {
    engine.close(true);
  }

  private void claim(String how) {
    if (!consumed.compareAndSet(false, true)) {
      throw new IllegalStateException("an EventSource is consumed once, and this one already is;"
          + " " + how + " needs a new one");
    }
  }

  /** Delivers to a listener, each call guarded. */
  private static final class ListenerSink implements Sink {
    private final EventListener listener;

    ListenerSink(EventListener listener) {
      this.listener = listener;
    }

    @Override
    public boolean wantsMore() {
      return true;
    }

    @Override
    public void open(HttpResponse.ResponseInfo response) {
      guard("onOpen", () -> listener.onOpen(response));
    }

    @Override
    public void event(MessageEvent event) {
      guard("onEvent", () -> listener.onEvent(event));
    }

    @Override
    public void reset(StreamReset reset, MessageEvent event) {
      guard("onReset", () -> listener.onReset(reset));
    }

    @Override
    public void comment(String text) {
      guard("onComment", () -> listener.onComment(text));
    }

    @Override
    public void error(EventSourceException error) {
      guard("onError", () -> listener.onError(error));
    }

    @Override
    public void closed(EventSourceException error) {
      if (error != null) {
        error(error);
      }
      guard("onClosed", listener::onClosed);
    }

    private static void guard(String method, Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "EventListener." + method + " threw; ignored", e);
      }
    }
  }

  /** Delivers to a subscriber as its demand allows. */
  private final class FlowSink implements Sink, Flow.Subscription {
    private final Flow.Subscriber<? super MessageEvent> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private volatile boolean done;
    private volatile Throwable invalid;

    FlowSink(Flow.Subscriber<? super MessageEvent> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        invalid = new IllegalArgumentException(
            "request(n) needs a positive n, was " + n + " (Reactive Streams rule 3.9)");
        engine.close(false);
        return;
      }
      demand.accumulateAndGet(n, (current, more) -> {
        long sum = current + more;
        return sum < 0 ? Long.MAX_VALUE : sum;
      });
      engine.demandChanged();
    }

    @Override
    public void cancel() {
      done = true;
      engine.close(false);
    }

    @Override
    public boolean wantsMore() {
      return !done && demand.get() > 0;
    }

    @Override
    public void open(HttpResponse.ResponseInfo response) {}

    @Override
    public void event(MessageEvent event) {
      if (done) {
        return;
      }
      if (demand.get() != Long.MAX_VALUE) {
        demand.decrementAndGet();
      }
      try {
        subscriber.onNext(event);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "Flow.Subscriber.onNext threw; the source closes", e);
        done = true;
        engine.close(false);
      }
    }

    @Override
    public void reset(StreamReset reset, MessageEvent event) {
      event(event);
    }

    @Override
    public void comment(String text) {}

    @Override
    public void error(EventSourceException error) {}

    @Override
    public void closed(EventSourceException error) {
      if (done) {
        return;
      }
      done = true;
      Throwable failure = invalid != null ? invalid : error;
      try {
        if (failure != null) {
          subscriber.onError(failure);
        } else {
          subscriber.onComplete();
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "Flow.Subscriber threw at the end; ignored", e);
      }
    }
  }

  /** Configures an {@link EventSource}; every setting has a default. */
  public static final class Builder {
    private final URI uri;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Supplier<Map<String, String>> headerSupplier;
    private String lastEventId = "";
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(45);
    private HttpClient.Version httpVersion;
    private HttpClient httpClient;
    private Duration initialDelay = Duration.ofSeconds(1);
    private Duration maxDelay = Duration.ofSeconds(30);
    private Duration resetBackoffAfter = Duration.ofSeconds(60);
    private int maxAttempts;
    private Duration maxReconnectTime;
    private IntPredicate reconnectOn = status -> status == 429 || status >= 500;
    private int maxEventSize = 8 << 20;
    private Scheduler scheduler;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private boolean connectTimeoutSet;
    private boolean httpVersionSet;

    private Builder(URI uri) {
      Objects.requireNonNull(uri, "uri must not be null");
      String scheme = uri.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("uri must be http or https, was " + uri);
      }
      this.uri = uri;
    }

    /** A header sent on every connection; the header supplier's value wins over it. */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "header name must not be null"),
          Objects.requireNonNull(value, "header " + name + " must not be null"));
      return this;
    }

    /**
     * Headers asked for before every connection, the first and each reconnection, so that fresh
     * credentials go with each. Called on a thread of the source; it may block briefly. A
     * supplier that throws fails that connection, which is retried like any other.
     */
    public Builder headers(Supplier<Map<String, String>> supplier) {
      this.headerSupplier = Objects.requireNonNull(supplier, "headers supplier must not be null");
      return this;
    }

    /** The id to resume after on the first connection (default none). */
    public Builder lastEventId(String id) {
      Objects.requireNonNull(id, "lastEventId must not be null");
      if (id.indexOf('\0') >= 0 || id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("lastEventId must not contain NUL, CR or LF");
      }
      this.lastEventId = id;
      return this;
    }

    /** How long a TCP (and TLS) connect may take (default 10 s). */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = positive("connectTimeout", value);
      this.connectTimeoutSet = true;
      return this;
    }

    /**
     * How long a connection may stay silent, waiting for its response or for bytes, before it is
     * dropped and made again (default 45 s, three times ssekit's 15 s keep-alive). Only silence
     * counts: a stream may last for ever, and time the consumer spends not taking events does
     * not count.
     */
    public Builder readTimeout(Duration value) {
      this.readTimeout = positive("readTimeout", value);
      return this;
    }

    /** The HTTP version to ask for (default the HTTP client's: HTTP/2 where the server has it). */
    public Builder httpVersion(HttpClient.Version value) {
      this.httpVersion = Objects.requireNonNull(value, "httpVersion must not be null");
      this.httpVersionSet = true;
      return this;
    }

    /**
     * An HTTP client of your own (for TLS settings, a proxy or an authenticator), which the
     * source uses and never closes; excludes {@link #connectTimeout} and {@link #httpVersion},
     * which are then the client's.
     */
    public Builder httpClient(HttpClient value) {
      this.httpClient = Objects.requireNonNull(value, "httpClient must not be null");
      return this;
    }

    /** The back-off's first ceiling and its maximum (default 1 s and 30 s). */
    public Builder backoff(Duration initial, Duration max) {
      Duration first = positive("backoff initial", initial);
      Duration most = positive("backoff max", max);
      if (most.compareTo(first) < 0) {
        throw new IllegalArgumentException("backoff max must not be less than initial, was "
            + most + " < " + first);
      }
      this.initialDelay = first;
      this.maxDelay = most;
      return this;
    }

    /** How long a connection must stay open for the back-off to start again (default 60 s). */
    public Builder resetBackoffAfter(Duration value) {
      this.resetBackoffAfter = positive("resetBackoffAfter", value);
      return this;
    }

    /**
     * Gives up after this many reconnection attempts in a row that opened no stream (default:
     * never).
     */
    public Builder maxAttempts(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, was " + count);
      }
      this.maxAttempts = count;
      return this;
    }

    /**
     * Gives up when no stream has opened for this long since the last one ended (default:
     * never).
     */
    public Builder maxReconnectTime(Duration value) {
      this.maxReconnectTime = positive("maxReconnectTime", value);
      return this;
    }

    /**
     * Which refusing statuses are worth another attempt (default {@code 429} and {@code 5xx});
     * the source stops on the others. {@code 204} always stops it.
     */
    public Builder reconnectOn(IntPredicate statuses) {
      this.reconnectOn = Objects.requireNonNull(statuses, "reconnectOn must not be null");
      return this;
    }

    /**
     * The largest event (its data, or any one line) the source takes, in bytes (default 8 MiB);
     * a larger one stops it.
     */
    public Builder maxEventSize(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxEventSize must be at least 1024 bytes, was "
            + bytes);
      }
      this.maxEventSize = bytes;
      return this;
    }

    /** The clock and timer to wait with (default a daemon thread of the source's own). */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler must not be null");
      return this;
    }

    /** The random numbers in {@code [0, 1)} of the jitter; for tests. */
    Builder random(DoubleSupplier value) {
      this.random = value;
      return this;
    }

    /**
     * The source, not yet connected.
     *
     * @throws IllegalStateException when {@link #httpClient} is combined with {@link
     *     #connectTimeout} or {@link #httpVersion}
     */
    public EventSource build() {
      if (httpClient != null && (connectTimeoutSet || httpVersionSet)) {
        throw new IllegalStateException("httpClient(...) excludes "
            + (connectTimeoutSet ? "connectTimeout" : "httpVersion")
            + ": set it on the HttpClient itself");
      }
      return new EventSource(new Settings(uri, Map.copyOf(headers), headerSupplier, lastEventId,
          connectTimeout, readTimeout, httpVersion, httpClient, initialDelay, maxDelay,
          resetBackoffAfter, maxAttempts, maxReconnectTime, reconnectOn, maxEventSize, scheduler,
          random));
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name + " must not be null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
