package io.ssekit.client;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one engine behind every way of consuming an {@link EventSource}: it connects, reads and
 * parses, reconnects, and closes. Its state is touched only on its {@link SerialExecutor}; the
 * HTTP client's callbacks and the timers hand their work there.
 */
final class Engine implements EventParser.Handler {
  private static final System.Logger LOG = System.getLogger(EventSource.class.getName());
  private static final AtomicInteger SOURCES = new AtomicInteger();
  /** {@code HttpClient.shutdownNow()} where the JDK has it (21 and later). */
  private static final MethodHandle SHUTDOWN_NOW = shutdownNow();

  /** The life of the source. */
  enum State {
    /** Built, not started. */
    IDLE,
    /** A request is on its way; no response yet. */
    CONNECTING,
    /** A stream is open and being read. */
    OPEN,
    /** Between connections, waiting to reconnect. */
    WAITING,
    /** Closed for good. */
    CLOSED
  }

  private final Settings settings;
  private final String name;
  private final ThreadPoolExecutor workers;
  private final ScheduledThreadPoolExecutor ownTimer;
  private final Scheduler scheduler;
  private final SerialExecutor serial;
  private final EventParser parser;
  private final Backoff backoff;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicBoolean closing = new AtomicBoolean();
  /** Dropped at close, so that the JDK can stop a client it made for this source. */
  private volatile HttpClient http;
  private volatile State state = State.IDLE;
  private volatile String lastEventId;

  // Touched on the serial executor only.
  private Sink sink;
  private Connection connection;
  private int attempt;
  private int attemptsSinceOpen;
  private Instant failingSince;
  private Duration serverRetry;
  private Duration comeBackAfter;
  private long silenceStamp;
  private long reconnectStamp;
  private Scheduler.Cancellable reconnectTimer;
  private Scheduler.Cancellable silenceTimer;
  private Scheduler.Cancellable renewTimer;

  Engine(Settings settings) {
    this.settings = settings;
    this.name = "ssekit-client-" + SOURCES.incrementAndGet();
    this.workers = new ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        daemons(name + "-worker"));
    workers.allowCoreThreadTimeOut(true);
    this.serial = new SerialExecutor(workers);
    if (settings.scheduler() != null) {
      this.ownTimer = null;
      this.scheduler = settings.scheduler();
    } else {
      this.ownTimer = new ScheduledThreadPoolExecutor(1, daemons(name + "-timer"));
      ownTimer.setRemoveOnCancelPolicy(true);
      ownTimer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      this.scheduler = timerScheduler(ownTimer);
    }
    this.http = settings.httpClient() != null ? settings.httpClient() : newClient(settings, workers);
    this.lastEventId = settings.lastEventId();
    this.parser = new EventParser(this, settings.maxEventSize(), settings.lastEventId());
    this.backoff = new Backoff(settings.initialDelay(), settings.maxDelay(), settings.random());
  }

  State state() {
    return state;
  }

  String lastEventId() {
    return lastEventId;
  }

  /** Starts delivering to {@code consumer}; the first connection is made at once. */
  void start(Sink consumer) {
    serial.execute(() -> {
      sink = consumer;
      if (state == State.CLOSED) {
        consumer.closed(null);
      } else {
        connect();
      }
    });
  }

  /** The consumer may take more: reading goes on. Any thread. */
  void demandChanged() {
    serial.execute(this::pump);
  }

  /**
   * Closes the source. From outside the source's own callbacks, returns once the last callback
   * has returned when {@code await} is set.
   */
  void close(boolean await) {
    if (closing.compareAndSet(false, true)) {
      serial.execute(() -> finish(null));
    }
    if (await && !serial.inTask()) {
      try {
        terminated.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- connecting

  private void connect() {
    Connection c = new Connection();
    connection = c;
    state = State.CONNECTING;
    armSilence(c);
    try {
      c.exchange = http.sendAsync(request(), c::respond);
    } catch (RuntimeException e) {
      // The header supplier failed or gave a header the HTTP client refuses.
      serial.execute(() -> ended(c, e));
      return;
    }
    c.exchange.whenComplete((response, failure) -> {
      if (failure != null) {
        serial.execute(() -> ended(c, failure));
      }
    });
  }

  private HttpRequest request() {
    HttpRequest.Builder request = HttpRequest.newBuilder(settings.uri()).GET()
        .header("Accept", "text/event-stream")
        .header("Cache-Control", "no-cache");
    if (settings.httpVersion() != null) {
      request.version(settings.httpVersion());
    }
    settings.headers().forEach(request::setHeader);
    if (settings.headerSupplier() != null) {
      Map<String, String> headers = settings.headerSupplier().get();
      if (headers != null) {
        headers.forEach(request::setHeader);
      }
    }
    String id = parser.lastEventId();
    if (!id.isEmpty()) {
      request.setHeader("Last-Event-ID", id);
    }
    return request.build();
  }

  private void responded(Connection c, HttpResponse.ResponseInfo response, boolean stream) {
    if (c != connection) {
      return;
    }
    if (stream) {
      state = State.OPEN;
      c.openedAt = scheduler.now();
      attemptsSinceOpen = 0;
      failingSince = null;
      parser.restart();
      sink.open(response);
      return;
    }
    drop(c);
    int status = response.statusCode();
    if (status == 204) {
      LOG.log(System.Logger.Level.DEBUG, "{0} answered 204: the event source stops",
          settings.uri());
      finish(null);
      return;
    }
    if (status == 200) {
      finish(refusal(status, false, "answered 200 with Content-Type "
          + response.headers().firstValue("Content-Type").orElse("(none)")
          + ", not text/event-stream; the source stops"));
      return;
    }
    if (!settings.reconnectOn().test(status)) {
      finish(refusal(status, false, "answered " + status + "; the source stops (reconnectOn)"));
      return;
    }
    comeBackAfter = retryAfter(response.headers()).orElse(null);
    reconnect(refusal(status, true, "answered " + status + "; reconnecting"));
  }

  private EventSourceException refusal(int status, boolean reconnect, String what) {
    return new EventSourceException(settings.uri(), status, reconnect,
        "GET " + settings.uri() + " " + what, null);
  }

  private Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String text = value.get();
    if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of(text.length() > 9 ? Duration.ofSeconds(999_999_999)
          : Duration.ofSeconds(Long.parseLong(text)));
    }
    try {
      Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration left = Duration.between(scheduler.now(), at);
      return Optional.of(left.isNegative() ? Duration.ZERO : left);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  // ---- reading

  private void subscribed(Connection c, Flow.Subscription subscription) {
    if (c != connection || state != State.OPEN) {
      subscription.cancel();
      return;
    }
    c.subscription = subscription;
    pump();
  }

  private void received(Connection c, List<ByteBuffer> buffers) {
    if (c != connection) {
      return;
    }
    disarmSilence();
    c.requested = false;
    c.pending = buffers;
    c.index = 0;
    pump();
  }

  private void ended(Connection c, Throwable failure) {
    if (c != connection) {
      return;
    }
    c.ended = true;
    c.failure = failure;
    pump();
  }

  /** Parses what has arrived while the consumer takes more, then asks for more bytes. */
  private void pump() {
    Connection c = connection;
    while (c != null && c == connection) {
      if (c.pending != null && state == State.OPEN) {
        if (!sink.wantsMore()) {
          return;
        }
        ByteBuffer buffer = c.pending.get(c.index);
        if (!buffer.hasRemaining()) {
          if (++c.index == c.pending.size()) {
            c.pending = null;
          }
          continue;
        }
        try {
          parser.parse(buffer);
        } catch (EventParser.TooLargeException e) {
          drop(c);
          finish(new EventSourceException(settings.uri(), 0, false,
              "GET " + settings.uri() + ": " + e.getMessage() + "; the source stops", null));
          return;
        }
        lastEventId = parser.lastEventId();
        continue;
      }
      if (c.ended) {
        connectionEnded(c, c.failure);
        return;
      }
      if (state == State.OPEN && !c.requested && c.subscription != null && sink.wantsMore()) {
        c.requested = true;
        armSilence(c);
        c.subscription.request(1);
      }
      return;
    }
  }

  @Override
  public void event(String type, String data, String id) {
    switch (type) {
      case ProtocolEvents.RESET -> {
        MessageEvent event = new MessageEvent(type, data, id);
        Optional<StreamReset> reset = StreamReset.of(event);
        if (reset.isPresent()) {
          sink.reset(reset.get(), event);
        } else {
          sink.event(event);
        }
      }
      case ProtocolEvents.BUSY, ProtocolEvents.SHUTDOWN, ProtocolEvents.TOKEN_EXPIRED,
          ProtocolEvents.SUPERSEDED, ProtocolEvents.LIMIT -> comeBackAfter = hint(data).orElse(serverRetry);
      case ProtocolEvents.TOKEN_EXPIRING -> renewBeforeExpiry(data);
      default -> sink.event(new MessageEvent(type, data, id));
    }
  }

  @Override
  public void comment(String text) {
    sink.comment(text);
  }

  @Override
  public void retry(long millis) {
    serverRetry = Duration.ofMillis(millis);
  }

  private static Optional<Duration> hint(String data) {
    try {
      Long millis = Json.object(data).number("retry");
      return millis == null || millis < 0 ? Optional.empty()
          : Optional.of(Duration.ofMillis(millis));
    } catch (IllegalArgumentException notJson) {
      return Optional.empty();
    }
  }

  /**
   * Reconnects at a random instant in the first half of the time the credentials have left, with
   * the headers the supplier gives then and the last event id: the new stream resumes where this
   * one is, and the spread keeps many clients from renewing at once.
   */
  private void renewBeforeExpiry(String data) {
    Instant now = scheduler.now();
    Duration left;
    try {
      Json.Obj object = Json.object(data);
      String expiresAt = object.string("expiresAt");
      Long expiresIn = object.number("expiresIn");
      if (expiresAt != null) {
        left = Duration.between(now, Instant.parse(expiresAt));
      } else if (expiresIn != null) {
        left = Duration.ofSeconds(expiresIn);
      } else {
        return;
      }
    } catch (IllegalArgumentException | DateTimeParseException malformed) {
      return;
    }
    long halfMillis = Math.max(0, left.toMillis() / 2);
    Duration delay = Duration.ofMillis((long) (settings.random().getAsDouble() * halfMillis));
    Connection c = connection;
    cancel(renewTimer);
    renewTimer = scheduler.schedule(delay, () -> serial.execute(() -> renew(c)));
  }

  private void renew(Connection c) {
    if (c != connection || state != State.OPEN) {
      return;
    }
    LOG.log(System.Logger.Level.DEBUG, "renewing the credentials of {0} before they expire",
        settings.uri());
    drop(c);
    connect();
  }

  // ---- between connections

  private void connectionEnded(Connection c, Throwable failure) {
    Instant openedAt = c.openedAt;
    drop(c);
    if (openedAt != null && Duration.between(openedAt, scheduler.now())
        .compareTo(settings.resetBackoffAfter()) >= 0) {
      attempt = 0;
    }
    EventSourceException error = null;
    if (failure != null) {
      String what = failure instanceof HttpTimeoutException || failure instanceof SilenceException
          ? failure.getMessage() : failure.toString();
      error = new EventSourceException(settings.uri(), 0, true,
          "GET " + settings.uri() + " failed: " + what + "; reconnecting", failure);
    }
    reconnect(error);
  }

  private void reconnect(EventSourceException error) {
    Instant now = scheduler.now();
    if (failingSince == null) {
      failingSince = now;
    }
    Duration delay = comeBackAfter != null ? comeBackAfter : backoff.delay(attempt + 1, serverRetry);
    comeBackAfter = null;
    String giveUp = null;
    if (settings.maxAttempts() > 0 && attemptsSinceOpen >= settings.maxAttempts()) {
      giveUp = "gave up after " + attemptsSinceOpen
          + " reconnection attempts in a row that opened no stream (maxAttempts)";
    } else if (settings.maxReconnectTime() != null
        && Duration.between(failingSince, now).plus(delay)
            .compareTo(settings.maxReconnectTime()) > 0) {
      giveUp = "gave up: no stream opened within " + settings.maxReconnectTime()
          + " (maxReconnectTime)";
    }
    if (giveUp != null) {
      int status = error == null ? 0 : error.status().orElse(0);
      finish(new EventSourceException(settings.uri(), status, false,
          "GET " + settings.uri() + ": " + giveUp, error));
      return;
    }
    if (error != null) {
      sink.error(error);
    }
    attempt++;
    state = State.WAITING;
    long stamp = ++reconnectStamp;
    reconnectTimer = scheduler.schedule(delay, () -> serial.execute(() -> {
      if (state == State.WAITING && stamp == reconnectStamp) {
        attemptsSinceOpen++;
        connect();
      }
    }));
  }

  private void armSilence(Connection c) {
    cancel(silenceTimer);
    long stamp = ++silenceStamp;
    silenceTimer = scheduler.schedule(settings.readTimeout(), () -> serial.execute(() -> {
      if (c == connection && stamp == silenceStamp) {
        connectionEnded(c, new SilenceException("no bytes for " + settings.readTimeout()
            + " (readTimeout)"));
      }
    }));
  }

  private void disarmSilence() {
    cancel(silenceTimer);
    silenceTimer = null;
    silenceStamp++;
  }

  private void drop(Connection c) {
    if (connection == c) {
      connection = null;
    }
    disarmSilence();
    cancel(renewTimer);
    renewTimer = null;
    c.cancel();
  }

  private static void cancel(Scheduler.Cancellable timer) {
    if (timer != null) {
      timer.cancel();
    }
  }

  // ---- closing

  private void finish(EventSourceException error) {
    if (state == State.CLOSED) {
      return;
    }
    closing.set(true);
    state = State.CLOSED;
    if (connection != null) {
      drop(connection);
    }
    cancel(reconnectTimer);
    reconnectStamp++;
    Sink consumer = sink;
    try {
      if (consumer != null) {
        consumer.closed(error);
      }
    } finally {
      release();
      terminated.countDown();
    }
  }

  private void release() {
    if (ownTimer != null) {
      ownTimer.shutdownNow();
    }
    HttpClient client = http;
    http = null;
    if (settings.httpClient() == null && SHUTDOWN_NOW != null && client != null) {
      try {
        SHUTDOWN_NOW.invoke(client);
      } catch (Throwable e) {
        LOG.log(System.Logger.Level.DEBUG, "HttpClient.shutdownNow failed", e);
      }
    }
    // The workers end by themselves once idle for a second; the HTTP client may still hand
    // them the last of its cancelled exchanges.
  }

  // ---- construction

  private static HttpClient newClient(Settings settings, Executor executor) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .executor(executor)
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL);
    if (settings.httpVersion() != null) {
      builder.version(settings.httpVersion());
    }
    return builder.build();
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static Scheduler timerScheduler(ScheduledThreadPoolExecutor timer) {
    return new Scheduler() {
      @Override
      public Instant now() {
        return Instant.now();
      }

      @Override
      public Cancellable schedule(Duration delay, Runnable task) {
        try {
          var future = timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
          return () -> future.cancel(false);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          return () -> { };
        }
      }
    };
  }

  private static MethodHandle shutdownNow() {
    try {
      return MethodHandles.publicLookup().findVirtual(HttpClient.class, "shutdownNow",
          MethodType.methodType(void.class));
    } catch (ReflectiveOperationException absent) {
      return null;
    }
  }

  /** No bytes arrived for the read timeout. */
  static final class SilenceException extends IOException {
    private static final long serialVersionUID = 1L;

    SilenceException(String message) {
      super(message);
    }
  }

  /** One request and its response: the HTTP client's callbacks for it go to the engine. */
  private final class Connection implements Flow.Subscriber<List<ByteBuffer>> {
    CompletableFuture<HttpResponse<Void>> exchange;
    Flow.Subscription subscription;
    Instant openedAt;
    List<ByteBuffer> pending;
    int index;
    boolean requested;
    boolean ended;
    boolean cancelled;
    Throwable failure;

    /** On the HTTP client's thread: the response's head arrived. */
    HttpResponse.BodySubscriber<Void> respond(HttpResponse.ResponseInfo response) {
      boolean stream = response.statusCode() == 200 && isEventStream(response.headers());
      serial.execute(() -> responded(this, response, stream));
      return stream ? HttpResponse.BodySubscribers.fromSubscriber(this)
          : HttpResponse.BodySubscribers.discarding();
    }

    void cancel() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      pending = null;
      // Cancelling the exchange aborts it in the HTTP client, which closes the connection (or
      // resets the HTTP/2 stream) and counts the exchange as finished; cancelling only the body's
      // subscription would leave it counted, and the client's selector thread alive.
      if (exchange != null) {
        exchange.cancel(true);
      } else if (subscription != null) {
        subscription.cancel();
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription value) {
      serial.execute(() -> subscribed(this, value));
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      serial.execute(() -> received(this, buffers));
    }

    @Override
    public void onError(Throwable error) {
      serial.execute(() -> ended(this, error));
    }

    @Override
    public void onComplete() {
      serial.execute(() -> ended(this, null));
    }
  }

  private static boolean isEventStream(HttpHeaders headers) {
    return headers.firstValue("Content-Type")
        .map(type -> type.toLowerCase(Locale.ROOT).split(";", 2)[0].trim())
        .filter("text/event-stream"::equals)
        .isPresent();
  }
}
