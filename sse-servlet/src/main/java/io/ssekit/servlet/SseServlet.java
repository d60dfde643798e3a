package io.ssekit.servlet;

import io.ssekit.ProtocolEvents;
import io.ssekit.SseEncoder;
import io.ssekit.SseHub;
import io.ssekit.internal.GuardedListener;
import io.ssekit.spi.AuthResult;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.KeepAlivePolicy;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SseListener.OpenResult;
import io.ssekit.spi.SsePrincipal;
import io.ssekit.spi.Topics;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code text/event-stream} responses from an {@link SseHub}.
 *
 * <p>{@code GET ?topic=a&topic=b} opens a stream of those topics (default {@code default}),
 * resuming after the {@code Last-Event-ID} header or the {@code lastEventId} query parameter. The
 * stream starts with a comment and an {@code id:} line carrying its cursor, flushed at once, then
 * carries what the client missed and the live events; see {@link SseHub} for the guarantees.
 *
 * <p>Output is non-blocking: no thread is held per stream, and a client that stops reading is
 * disconnected once its queue passes {@code maxQueuedBytes}, without slowing anyone else. One
 * timer thread per servlet writes keep-alive comments to idle streams.
 *
 * <p>Configure it with init-params (web.xml, {@code @WebServlet}, a container's registration API)
 * or with {@link #builder()}; each setting (its name, default, check and meaning) is defined
 * once in {@link ServletSetting}. A wrong setting fails {@link #init} with a message that names
 * it. The hub is published as the servlet context attribute {@code hubAttribute} (default
 * {@value #HUB_ATTRIBUTE}), so application code can {@linkplain SseHub#publish publish} from
 * anywhere; {@link #hub(ServletContext)} reads it.
 *
 * <p>A stream opened with credentials that expire ({@link SsePrincipal#expiresAt()}) gets an
 * {@code sse-token-expiring} event {@code tokenExpiryWarning} before (data: {@code
 * {"expiresAt":"...","expiresIn":seconds}}), so the client can fetch fresh credentials, and is
 * closed when they expire with a jittered {@code retry:} hint and {@code sse-token-expired}. Its
 * client then reconnects with whatever credentials it has by then. Credentials that have expired
 * already (an authenticator may accept them within its clock skew) open no stream: {@code 401}
 * with {@code Bearer error="invalid_token"}.
 *
 * <p>With {@code maxStreamsPerPrincipal} or {@code maxStreamsPerAddress}, a principal or client
 * address that opens one stream more than its cap allows either supersedes its oldest stream
 * ({@code sse-superseded}) or is refused ({@code sse-limit}); see {@link StreamLimitPolicy}.
 *
 * <p>On {@link #destroy()} every stream gets a {@code server-shutdown} event with a jittered
 * {@code retry:} hint, and the servlet waits up to {@code shutdownGrace} for them to be written.
 */
public class SseServlet extends HttpServlet {
  /** The default servlet context attribute that holds the hub. */
  public static final String HUB_ATTRIBUTE = "io.ssekit.SseHub";

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SseServlet.class);
  private static final byte[] GREETING = ": ok\n\n".getBytes(StandardCharsets.US_ASCII);
  /** The response buffer of a stream, in bytes. */
  static final int STREAM_BUFFER_SIZE = 1024;
  private static final String EXPIRED = "Bearer error=\"invalid_token\"";

  private final transient ServletOptions programmatic;
  /** Whether new streams can be served now; see {@link Builder#availableWhen}. */
  private final transient BooleanSupplier available;
  private transient ServletOptions options;
  private transient SseHub hub;
  private transient boolean ownsHub;
  private transient Connections connections;
  private transient StreamLimits limits;
  /** The registration of this servlet's writers as the pace of its hub's publishers. */
  private transient AutoCloseable pace;
  private transient Cors cors;
  private transient Authenticator authenticator;
  private transient SseListener listener = SseListener.NONE;
  private transient byte[] greeting;
  /** The connect-rate limit; {@code null}: none. */
  private transient ConnectRate connectRate;

  /** A servlet configured by its init-params (web.xml, {@code @WebServlet}, registration). */
  public SseServlet() {
    this.programmatic = null;
    this.available = () -> true;
  }

  private SseServlet(ServletOptions options, BooleanSupplier available) {
    this.programmatic = options;
    this.available = available;
  }

  /** Configures a servlet in code; register the result with the container. */
  public static Builder builder() {
    return new Builder();
  }

  /** The hub of the {@code SseServlet} in {@code context} that uses the default attribute. */
  public static SseHub hub(ServletContext context) {
    Object hub = context.getAttribute(HUB_ATTRIBUTE);
    if (hub == null) {
      throw new IllegalStateException("no SseHub in servlet context attribute " + HUB_ATTRIBUTE
          + "; is an SseServlet initialised (load-on-startup) in this application?");
    }
    return (SseHub) hub;
  }

  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    try {
      Map<String, String> params = initParams(config);
      if (programmatic != null && !params.isEmpty()) {
        throw new IllegalArgumentException("it was configured with SseServlet.builder(), which"
            + " takes no init-params, but found " + params.keySet());
      }
      options = programmatic != null ? programmatic : ServletOptions.fromSettings(params);
      ownsHub = options.hub() == null;
      hub = ownsHub ? options.newHub() : options.hub();
      authenticator = options.get(ServletSetting.AUTHENTICATOR);
      cors = new Cors(options.get(ServletSetting.CORS_ORIGINS), options.get(ServletSetting.CORS_MAX_AGE));
      listener = GuardedListener.of(options.get(ServletSetting.LISTENER));
      connections = new Connections(options.get(ServletSetting.MAX_CONNECTIONS), options.keepAlive(),
          options.get(ServletSetting.TOKEN_EXPIRY_WARNING), config.getServletName(), listener);
      listener.attach(connections);
      limits = new StreamLimits(options);
      pace = hub.pacedBy(connections.writer());
      greeting = greeting(options);
      Integer perSecond = options.get(ServletSetting.MAX_CONNECTS_PER_SECOND);
      connectRate = perSecond == null ? null : new ConnectRate(perSecond);
      config.getServletContext().setAttribute(options.get(ServletSetting.HUB_ATTRIBUTE), hub);
    } catch (RuntimeException e) {
      throw new ServletException("SseServlet '" + config.getServletName()
          + "' cannot start: " + e.getMessage(), e);
    }
  }

  /** The hub this servlet streams from; publish to it from any thread. */
  public SseHub hub() {
    if (hub == null) {
      throw new IllegalStateException("SseServlet is not initialised yet");
    }
    return hub;
  }

  /** The settings in use, once initialised. */
  ServletOptions options() {
    return options;
  }

  /** The per-principal and per-address counts, once initialised. */
  StreamCaps caps() {
    return limits.caps();
  }

  /** The number of streams open on this servlet. */
  public int connectionCount() {
    return connections == null ? 0 : connections.count();
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    switch (request.getMethod()) {
      case "GET" -> stream(request, response);
      case "OPTIONS" -> options(request, response);
      default -> {
        response.setHeader("Allow", "GET, OPTIONS");
        Problems.send(response, 405, "method-not-allowed", "Method not allowed",
            request.getMethod() + " is not supported here; open a stream with GET");
      }
    }
  }

  private void options(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!Cors.isPreflight(request)) {
      response.setHeader("Allow", "GET, OPTIONS");
      response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    } else if (!cors.preflight(request, response)) {
      Problems.send(response, 403, "cors-rejected", "Cross-origin request not allowed",
          "origin or method not allowed for this stream");
    }
  }

  private void stream(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    cors.apply(request, response);
    List<String> topics;
    try {
      topics = topics(request);
    } catch (IllegalArgumentException e) {
      listener.streamOpened(OpenResult.INVALID);
      Problems.send(response, 400, "invalid-topic", "Invalid topic", e.getMessage());
      return;
    }
    if (connections.isStopping()) {
      listener.streamOpened(OpenResult.SHUTDOWN);
      comeBackLater(response, ProtocolEvents.SHUTDOWN, "shutting-down", "Server shutting down",
          "this server is stopping; connect again");
      return;
    }
    if (!available.getAsBoolean()) {
      listener.streamOpened(OpenResult.BUSY);
      comeBackLater(response, ProtocolEvents.BUSY, "unavailable", "Service unavailable",
          "a service this server needs cannot be reached now");
      return;
    }
    Duration overRate = connectRate == null ? null : connectRate.admit();
    if (overRate != null) {
      listener.streamOpened(OpenResult.RATE_LIMITED);
      comeBackLater(response, ProtocolEvents.BUSY, "rate-limited", "Too many new streams",
          "this server accepts " + options.get(ServletSetting.MAX_CONNECTS_PER_SECOND)
          + " new streams per second", overRate);
      return;
    }
    if (!connections.tryReserve()) {
      listener.streamOpened(connections.isStopping() ? OpenResult.SHUTDOWN : OpenResult.BUSY);
      comeBackLater(response, ProtocolEvents.BUSY, "busy", "Too many streams",
          "this server holds its maximum of " + options.get(ServletSetting.MAX_CONNECTIONS) + " streams");
      return;
    }
    String lastEventId = lastEventId(request);
    AsyncContext async;
    try {
      async = request.startAsync();
      async.setTimeout(0);
    } catch (RuntimeException e) {
      connections.unreserve();
      listener.streamOpened(OpenResult.ERROR);
      throw e;
    }
    CompletableFuture<AuthResult> decision = authenticate(request);
    if (decision.isDone()) {
      authenticated(async, topics, lastEventId, decision);
    } else {
      decision.whenComplete((result, failure) -> {
        try {
          async.start(() -> authenticated(async, topics, lastEventId, decision));
        } catch (RuntimeException e) {
          // The request is over (the client left) or the container refuses work: free the slot.
          LOG.debug("stream request ended before its authentication did", e);
          connections.unreserve();
          listener.streamOpened(OpenResult.ERROR);
          try {
            async.complete();
          } catch (IllegalStateException alreadyDone) {
            // The container ended the request already.
          }
        }
      });
    }
  }

  private CompletableFuture<AuthResult> authenticate(HttpServletRequest request) {
    try {
      return authenticator.authenticate(ServletAuthRequest.stream(request)).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void authenticated(AsyncContext async, List<String> topics, String lastEventId,
      CompletableFuture<AuthResult> decision) {
    boolean opened = false;
    OpenResult refused = OpenResult.ERROR;
    StreamCaps.Claim claim = null;
    try {
      // Inside the try: a container that completed the request meanwhile (its client gone)
      // refuses getResponse, and the slot taken for it must still be given back.
      HttpServletResponse response = (HttpServletResponse) async.getResponse();
      AuthResult result;
      try {
        result = decision.join();
      } catch (RuntimeException e) {
        LOG.warn("authenticator failed for a stream request", e.getCause() != null ? e.getCause() : e);
        Problems.send(response, 500, "internal-error", "Internal error",
            "the server could not authenticate the request");
        return;
      }
      if (result instanceof AuthResult.Denied denied) {
        refused = refusedFor(denied.status());
        Problems.deny(response, denied);
        return;
      }
      SsePrincipal principal = ((AuthResult.Granted) result).principal();
      if (principal.fromTicket()) {
        listener.ticketRedeemed();
      }
      if (principal.expiresAt().filter(at -> !at.isAfter(Instant.now())).isPresent()) {
        // Accepted within the authenticator's clock skew, but the stream would close at once.
        refused = refusedFor(401);
        Problems.deny(response, new AuthResult.Denied(401, EXPIRED,
            "the credentials have expired; fetch fresh ones"));
        return;
      }
      for (String topic : topics) {
        if (!principal.maySubscribe(topic)) {
          refused = refusedFor(403);
          Problems.send(response, 403, "forbidden", "Forbidden",
              "not allowed to subscribe to topic '" + topic + "'");
          return;
        }
      }
      claim = limits.admit(principal, (HttpServletRequest) async.getRequest());
      if (claim.refusal() != null) {
        refused = OpenResult.LIMITED;
        limits.refuse(response, claim.refusal());
        return;
      }
      open(async, response, principal, topics, lastEventId, claim);
      opened = true;
    } catch (IOException | RuntimeException e) {
      LOG.debug("stream request failed before it opened", e);
    } finally {
      if (!opened) {
        if (claim != null) {
          claim.release();
        }
        connections.unreserve();
        listener.streamOpened(refused);
        try {
          async.complete();
        } catch (IllegalStateException completedAlready) {
          LOG.debug("the stream request was completed by the container before it opened");
        }
      }
    }
  }

  /** Reports a refusal of credentials with {@code status}; the stream's result for it. */
  private OpenResult refusedFor(int status) {
    listener.authRefused(status);
    return status == 401 ? OpenResult.UNAUTHORIZED : OpenResult.FORBIDDEN;
  }

  private void open(AsyncContext async, HttpServletResponse response, SsePrincipal principal,
      List<String> topics, String lastEventId, StreamCaps.Claim claim) throws IOException {
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("text/event-stream;charset=UTF-8");
    response.setHeader("Cache-Control", "no-cache");
    response.setHeader("X-Accel-Buffering", "no");
    // The container's default response buffer (32 KB on Jetty) would be held by every idle
    // stream. Drains write whole batches, which bypass a small buffer; the greeting and single
    // events fit in it until the flush that follows every write.
    response.setBufferSize(STREAM_BUFFER_SIZE);
    ServletOutputStream out = response.getOutputStream();
    SseConnection connection =
        new SseConnection(connections, async, out, options.get(ServletSetting.MAX_QUEUED_BYTES), greeting);
    limits.attach(claim, connection);
    // Reported before anything can close it: each stream reported opened is reported closed once.
    listener.streamOpened(OpenResult.OK);
    connections.add(connection);
    // From here the connection owns the slot and the response: it releases both when it ends.
    // It is registered with the hub before the greeting can go out, so every event published
    // after the client saw the stream open reaches it; until the container's first
    // onWritePossible, what the hub offers is only queued.
    SseListener.CloseReason failed = null;
    try {
      principal.expiresAt().ifPresent(expiresAt -> connections.expireAt(connection, expiresAt));
      hub.subscribe(topics, lastEventId, connection);
    } catch (IllegalStateException closedHub) {
      connection.finishWith(connections.closingFrame(ProtocolEvents.SHUTDOWN),
          SseListener.CloseReason.SHUTDOWN);
    } catch (RuntimeException e) {
      LOG.warn("stream could not open", e);
      failed = SseListener.CloseReason.ERROR;
    }
    try {
      async.addListener(connection);
      out.setWriteListener(connection);
    } catch (RuntimeException e) {
      LOG.debug("stream could not open: the request is over", e);
      failed = SseListener.CloseReason.CLIENT_GONE;
    }
    if (failed != null) {
      // The connection owns the slot and the response: it releases both, once.
      connection.closeAndComplete(failed);
    }
  }

  /**
   * A stream that cannot be served now. By default a complete 200 stream: a jittered {@code
   * retry:} hint and {@code event}, so that a browser's {@code EventSource}, for which any other
   * status is final, comes back by itself. With the 503 policy, a problem with {@code
   * Retry-After}.
   */
  private void comeBackLater(HttpServletResponse response, String event, String type,
      String title, String detail) throws IOException {
    comeBackLater(response, event, type, title, detail, null);
  }

  /**
   * As above; {@code later}, when not {@code null}, is added to the hint, and the 503's {@code
   * Retry-After} then gets the usual jitter too, so that refused requests come back spread out.
   */
  private void comeBackLater(HttpServletResponse response, String event, String type,
      String title, String detail, Duration later) throws IOException {
    if (options.get(ServletSetting.OVERLOAD_POLICY) == OverloadPolicy.SERVICE_UNAVAILABLE) {
      long millis = later == null ? options.keepAlive().retryBeforeClose(1).toMillis()
          : connections.closingHint(later).toMillis();
      Refusals.problem(response, 503, millis, type, title, detail);
      return;
    }
    Refusals.shortStream(response, later == null ? connections.closingFrame(event)
        : connections.closingFrame(event, later));
  }


  /**
   * Ends every stream with {@code server-shutdown} and a jittered {@code retry:} hint, waiting up
   * to {@code shutdownGrace} for them to be written; new stream requests get {@code
   * server-shutdown} too (or {@code 503} under the 503 overload policy).
   * {@link #destroy()} does this; call it earlier where a container closes connections before it
   * destroys servlets (Jetty: from a {@code LifeCycle.Listener} on the {@code Server}, see the
   * README). Idempotent.
   */
  public void shutdown() {
    if (connections != null) {
      connections.shutdown(options.get(ServletSetting.SHUTDOWN_GRACE));
    }
  }

  @Override
  public void destroy() {
    shutdown();
    if (connections != null) {
      listener.detach(connections);
    }
    if (pace != null) {
      try {
        pace.close();
      } catch (Exception e) {
        LOG.warn("could not remove this servlet's pace from its hub", e);
      }
    }
    if (hub != null) {
      ServletContext context = getServletContext();
      if (context.getAttribute(options.get(ServletSetting.HUB_ATTRIBUTE)) == hub) {
        context.removeAttribute(options.get(ServletSetting.HUB_ATTRIBUTE));
      }
      if (ownsHub) {
        hub.close();
      }
    }
  }

  private static List<String> topics(HttpServletRequest request) {
    String[] values = request.getParameterValues("topic");
    if (values == null || values.length == 0) {
      return List.of(Topics.DEFAULT);
    }
    if (values.length > Cursor.MAX_TOPICS) {
      throw new IllegalArgumentException("a stream may have at most " + Cursor.MAX_TOPICS
          + " topics, " + values.length + " were requested");
    }
    return List.copyOf(Topics.requireValidSet(Arrays.asList(values)));
  }

  private static String lastEventId(HttpServletRequest request) {
    String header = request.getHeader("Last-Event-ID");
    return header != null ? header : request.getParameter("lastEventId");
  }

  private static byte[] greeting(ServletOptions options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(GREETING);
    options.keepAlive().retry().ifPresent(retry -> out.writeBytes(SseEncoder.retry(retry)));
    return out.toByteArray();
  }

  private static Map<String, String> initParams(ServletConfig config) {
    Map<String, String> params = new LinkedHashMap<>();
    Enumeration<String> names = config.getInitParameterNames();
    for (String name : Collections.list(names)) {
      params.put(name, Objects.requireNonNullElse(config.getInitParameter(name), ""));
    }
    return params;
  }

  /**
   * Configures an {@link SseServlet} in code. Each method sets the {@link ServletSetting} of its
   * name, whose default applies when it is not called, and checks the value at once; {@link
   * #build()} refuses the combinations that {@link ServletSetting} names. A servlet built here
   * takes no init-params.
   */
  public static final class Builder {
    private final Map<ServletSetting<?>, Object> values = new LinkedHashMap<>();
    private SseHub hub;
    private BooleanSupplier available = () -> true;

    private Builder() {}

    /**
     * Streams from an existing hub, which the caller keeps and closes; excludes {@link #history},
     * {@link #fanout}, {@link #maxEventSize}, {@link #maxPendingEvents} and {@link
     * #replayConcurrency}, which configure the hub the servlet otherwise creates (and closes in
     * {@code destroy}).
     */
    public Builder hub(SseHub value) {
      this.hub = Objects.requireNonNull(value, "hub must not be null");
      return this;
    }

    /** Sets {@link ServletSetting#HISTORY}. */
    public Builder history(EventHistory value) {
      return set(ServletSetting.HISTORY, value);
    }

    /** Sets {@link ServletSetting#FANOUT}. */
    public Builder fanout(Fanout value) {
      return set(ServletSetting.FANOUT, value);
    }

    /** Sets {@link ServletSetting#AUTHENTICATOR}. */
    public Builder authenticator(Authenticator value) {
      return set(ServletSetting.AUTHENTICATOR, value);
    }

    /** Sets {@link ServletSetting#KEEP_ALIVE}. */
    public Builder keepAlive(Duration value) {
      return set(ServletSetting.KEEP_ALIVE, value);
    }

    /** Sets {@link ServletSetting#RETRY}. */
    public Builder retry(Duration value) {
      return set(ServletSetting.RETRY, value);
    }

    /** Sets {@link ServletSetting#MAX_LIFETIME}. */
    public Builder maxLifetime(Duration value) {
      return set(ServletSetting.MAX_LIFETIME, value);
    }

    /**
     * Sets {@link ServletSetting#KEEP_ALIVE_POLICY}, which excludes {@link #keepAlive}, {@link
     * #retry} and {@link #maxLifetime}.
     */
    public Builder keepAlivePolicy(KeepAlivePolicy value) {
      return set(ServletSetting.KEEP_ALIVE_POLICY, value);
    }

    /** Sets {@link ServletSetting#MAX_CONNECTIONS}. */
    public Builder maxConnections(int count) {
      return set(ServletSetting.MAX_CONNECTIONS, count);
    }

    /** Sets {@link ServletSetting#MAX_CONNECTS_PER_SECOND}. */
    public Builder maxConnectsPerSecond(int count) {
      return set(ServletSetting.MAX_CONNECTS_PER_SECOND, count);
    }

    /** Sets {@link ServletSetting#OVERLOAD_POLICY}. */
    public Builder overloadPolicy(OverloadPolicy value) {
      return set(ServletSetting.OVERLOAD_POLICY, value);
    }

    /** Sets {@link ServletSetting#MAX_STREAMS_PER_PRINCIPAL}. */
    public Builder maxStreamsPerPrincipal(int count) {
      return set(ServletSetting.MAX_STREAMS_PER_PRINCIPAL, count);
    }

    /** Sets {@link ServletSetting#MAX_STREAMS_PER_ADDRESS}. */
    public Builder maxStreamsPerAddress(int count) {
      return set(ServletSetting.MAX_STREAMS_PER_ADDRESS, count);
    }

    /** Sets {@link ServletSetting#TRUSTED_PROXIES}: addresses and CIDR ranges. */
    public Builder trustedProxies(List<String> entries) {
      return set(ServletSetting.TRUSTED_PROXIES, List.copyOf(entries));
    }

    /** Sets {@link ServletSetting#FORWARDED_HEADER}: {@code X-Forwarded-For} or {@code Forwarded}. */
    public Builder forwardedHeader(String header) {
      return set(ServletSetting.FORWARDED_HEADER, OverloadPolicy.choose(
          ServletSetting.FORWARDED_HEADER.name(), header,
          new String[] {ClientAddress.X_FORWARDED_FOR, ClientAddress.FORWARDED}, h -> h));
    }

    /** Sets {@link ServletSetting#STREAM_LIMIT_POLICY}. */
    public Builder streamLimitPolicy(StreamLimitPolicy value) {
      return set(ServletSetting.STREAM_LIMIT_POLICY, value);
    }

    /** Sets {@link ServletSetting#STREAM_LIMIT_RETRY}. */
    public Builder streamLimitRetry(Duration value) {
      return set(ServletSetting.STREAM_LIMIT_RETRY, value);
    }

    /** Sets {@link ServletSetting#MAX_EVENT_SIZE}. */
    public Builder maxEventSize(int bytes) {
      return set(ServletSetting.MAX_EVENT_SIZE, bytes);
    }

    /** Sets {@link ServletSetting#MAX_QUEUED_BYTES}. */
    public Builder maxQueuedBytes(int bytes) {
      return set(ServletSetting.MAX_QUEUED_BYTES, bytes);
    }

    /** Sets {@link ServletSetting#MAX_PENDING_EVENTS}. */
    public Builder maxPendingEvents(int count) {
      return set(ServletSetting.MAX_PENDING_EVENTS, count);
    }

    /** Sets {@link ServletSetting#REPLAY_CONCURRENCY}. */
    public Builder replayConcurrency(int count) {
      return set(ServletSetting.REPLAY_CONCURRENCY, count);
    }

    /** Sets {@link ServletSetting#CORS_ORIGINS}. */
    public Builder corsOrigins(List<String> origins) {
      return set(ServletSetting.CORS_ORIGINS, List.copyOf(origins));
    }

    /** Sets {@link ServletSetting#CORS_MAX_AGE}. */
    public Builder corsMaxAge(Duration value) {
      return set(ServletSetting.CORS_MAX_AGE, value);
    }

    /** Sets {@link ServletSetting#TOKEN_EXPIRY_WARNING}. */
    public Builder tokenExpiryWarning(Duration value) {
      return set(ServletSetting.TOKEN_EXPIRY_WARNING, value);
    }

    /** Sets {@link ServletSetting#SHUTDOWN_GRACE}. */
    public Builder shutdownGrace(Duration value) {
      return set(ServletSetting.SHUTDOWN_GRACE, value);
    }

    /**
     * Sets {@link ServletSetting#LISTENER}: it hears of this servlet's streams and, unless
     * {@link #hub} gives one, of the hub the servlet creates (a hub given here has its own,
     * {@link SseHub.Builder#listener}).
     */
    public Builder listener(SseListener value) {
      return set(ServletSetting.LISTENER, value);
    }

    /**
     * Asked at each stream request, on the container's thread (it must answer at once): while
     * it answers {@code false}, for example because the Redis the history uses cannot be
     * reached, new streams are told to come back later as over the connection cap ({@code
     * sse-busy} with a jittered {@code retry:} hint, or {@code 503} with {@code Retry-After}
     * under {@link OverloadPolicy#SERVICE_UNAVAILABLE}); open streams are not touched. By
     * default always {@code true}.
     */
    public Builder availableWhen(BooleanSupplier value) {
      this.available = Objects.requireNonNull(value, "availableWhen must not be null");
      return this;
    }

    /** Sets {@link ServletSetting#HUB_ATTRIBUTE}. */
    public Builder hubAttribute(String name) {
      return set(ServletSetting.HUB_ATTRIBUTE, name);
    }

    /**
     * The servlet.
     *
     * @throws IllegalStateException for a refused combination: {@link #hub} with a setting of
     *     the servlet's own hub, or {@link #keepAlivePolicy} with a setting of the fixed policy
     */
    public SseServlet build() {
      return new SseServlet(ServletOptions.of(hub, values), available);
    }

    private <T> Builder set(ServletSetting<T> setting, T value) {
      values.put(setting, setting.check(value));
      return this;
    }
  }
}
