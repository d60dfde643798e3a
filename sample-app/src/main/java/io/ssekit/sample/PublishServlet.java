package io.ssekit.sample;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ssekit.SseHub;
import io.ssekit.history.redis.ReplicationException;
import io.ssekit.servlet.Problems;
import io.ssekit.servlet.ServletAuthRequest;
import io.ssekit.spi.AuthResult;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.IdempotencyKey;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SsePrincipal;
import io.ssekit.spi.Topics;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /send} and {@code POST /publish}: JSON in, an event on a topic out.
 *
 * <ul>
 *   <li>{@code /send}: any JSON body is broadcast on topic {@code default} as event
 *       {@code notification}, its compact JSON text as data; answers
 *       {@code {"sent":true,"clients":N}} with N the streams of {@code default} here.</li>
 *   <li>{@code /publish}: {@code {"topic":"t","event":"name","data":...}}; {@code topic} defaults
 *       to {@code default}, {@code event} is optional, {@code data} is required: a string is sent
 *       verbatim, any other JSON as its JSON text. Answers {@code {"id":"...","topic":"t"}}.</li>
 * </ul>
 * Invalid JSON or fields answer {@code 400}, a body over the size limit {@code 413}, both as
 * problem details; a publish the history cannot take now (Redis down or failing over) {@code 503}
 * with {@code Retry-After}.
 *
 * <p>Both take an optional {@code Idempotency-Key} header (1 to 256 bytes, else {@code 400}):
 * a request that repeats the key of a publish to the same topic within the window
 * ({@code SSE_IDEMPOTENCY_WINDOW_MS}) publishes nothing and gets the first one's answer:
 * {@code /publish} its id, {@code /send} {@code {"sent":true,...}} with the streams counted
 * now. The history keeps the keys, so a retry that reaches another instance is a repeat too.
 * The authenticator decides first ({@code 401} with {@code WWW-Authenticate});
 * a principal that may not publish to the topic gets {@code 403}. Both refusals are reported to
 * the listener ({@link SseListener#authRefused}), as the stream's are.
 */
final class PublishServlet extends JsonServlet {
  private static final Logger LOG = LoggerFactory.getLogger(PublishServlet.class);

  /** Which endpoint this servlet serves. */
  enum Mode { SEND, PUBLISH }

  /**
   * How much of a refused body is read and dropped before the answer goes out. A client still
   * sending when the server closes the connection would get a reset instead of the answer; past
   * this much the connection is closed anyway, as Tomcat's {@code maxSwallowSize} does.
   */
  static final long MAX_SWALLOW_BYTES = 2L * 1024 * 1024;

  /** The request header that makes a publish idempotent. */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final SseHub hub;
  private final Authenticator authenticator;
  private final SseListener listener;
  private final Mode mode;
  private final int maxBodyBytes;

  PublishServlet(SseHub hub, Authenticator authenticator, SseListener listener, Mode mode,
      int maxBodyBytes) {
    super(Set.of("POST"));
    this.hub = hub;
    this.authenticator = authenticator;
    this.listener = listener;
    this.mode = mode;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    // The app's authenticators decide at once; one that does I/O would want an async wait here.
    AuthResult decision = authenticator.authenticate(ServletAuthRequest.of(request))
        .toCompletableFuture().join();
    if (decision instanceof AuthResult.Denied denied) {
      listener.authRefused(denied.status());
      dropRestOfBody(request, response);
      Problems.deny(response, denied);
      return;
    }
    SsePrincipal principal = ((AuthResult.Granted) decision).principal();
    String idempotencyKey = request.getHeader(IDEMPOTENCY_KEY);
    if (idempotencyKey != null) {
      try {
        IdempotencyKey.requireValid(idempotencyKey);
      } catch (IllegalArgumentException e) {
        dropRestOfBody(request, response);
        JsonResponses.problem(response, 400, "invalid-idempotency-key",
            "Invalid idempotency key", "Idempotency-Key must be 1 to "
                + IdempotencyKey.MAX_BYTES + " bytes");
        return;
      }
    }
    byte[] body = readBody(request);
    if (body == null) {
      dropRestOfBody(request, response);
      JsonResponses.problem(response, 413, "too-large", "Body too large",
          "the body must be at most " + maxBodyBytes + " bytes");
      return;
    }
    JsonNode json;
    try {
      json = body.length == 0 ? null : JsonResponses.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      json = null;
    }
    if (json == null || json.isMissingNode()) {
      JsonResponses.problem(response, 400, "invalid-json", "Invalid JSON",
          "the body must be a JSON document");
      return;
    }
    Event event;
    try {
      event = mode == Mode.SEND ? sendEvent(json) : publishEvent(json);
    } catch (BadRequest e) {
      JsonResponses.problem(response, 400, e.type, e.title, e.getMessage());
      return;
    }
    if (!principal.mayPublish(event.topic)) {
      listener.authRefused(403);
      JsonResponses.problem(response, 403, "forbidden", "Forbidden",
          "not allowed to publish to topic '" + event.topic + "'");
      return;
    }
    CompletionStage<String> published;
    try {
      published = hub.publish(event.topic, event.name, event.data, idempotencyKey);
    } catch (IllegalArgumentException e) {
      boolean tooLarge = e.getMessage().contains("maxEventSize");
      JsonResponses.problem(response, tooLarge ? 413 : 400, tooLarge ? "too-large" : "invalid-event",
          tooLarge ? "Event too large" : "Invalid event", e.getMessage());
      return;
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(0);
    published.whenComplete((id, failure) -> {
      try {
        HttpServletResponse asyncResponse = (HttpServletResponse) async.getResponse();
        if (failure != null) {
          unavailable(asyncResponse, event.topic, failure);
        } else if (mode == Mode.SEND) {
          JsonResponses.json(asyncResponse, 200, JsonResponses.MAPPER.createObjectNode()
              .put("sent", true).put("clients", hub.streamCount(event.topic)));
        } else {
          JsonResponses.json(asyncResponse, 200, JsonResponses.MAPPER.createObjectNode()
              .put("id", id).put("topic", event.topic));
        }
      } catch (IOException e) {
        LOG.debug("client went away before the publish answer", e);
      } finally {
        async.complete();
      }
    });
  }

  /**
   * {@code 503} with a jittered {@code Retry-After} of 1 to 3 s: the history or Redis cannot
   * take the event now (Redis down or failing over), or its replicas did not confirm it.
   */
  private static void unavailable(HttpServletResponse response, String topic, Throwable failure)
      throws IOException {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    response.setHeader("Retry-After",
        Integer.toString(1 + ThreadLocalRandom.current().nextInt(3)));
    if (cause instanceof ReplicationException) {
      LOG.warn("publishing to topic {}: {}", topic, cause.getMessage());
      JsonResponses.problem(response, 503, "not-replicated", "Not replicated",
          "the event was stored but its replicas did not confirm it in time; it may still be"
              + " stored and delivered, so publishing it again may deliver it twice");
      return;
    }
    LOG.warn("publishing to topic {} failed: {}", topic, cause.toString());
    JsonResponses.problem(response, 503, "unavailable", "Publishing failed",
        "the event could not be stored; try again");
  }

  private static Event sendEvent(JsonNode json) {
    return new Event(Topics.DEFAULT, "notification", json.toString());
  }

  private static Event publishEvent(JsonNode json) throws BadRequest {
    if (!json.isObject()) {
      throw new BadRequest("invalid-json", "Invalid JSON", "the body must be a JSON object");
    }
    String topic = Topics.DEFAULT;
    JsonNode topicNode = json.get("topic");
    if (topicNode != null && !topicNode.isNull()) {
      if (!topicNode.isTextual() || !Topics.isValid(topicNode.asText())) {
        throw new BadRequest("invalid-topic", "Invalid topic",
            "topic must be 1 to " + Topics.MAX_LENGTH
                + " characters of A-Z a-z 0-9 - _ . / : @");
      }
      topic = topicNode.asText();
    }
    String name = null;
    JsonNode eventNode = json.get("event");
    if (eventNode != null && !eventNode.isNull()) {
      if (!eventNode.isTextual() || eventNode.asText().isEmpty()
          || eventNode.asText().chars().anyMatch(c -> c == '\r' || c == '\n')) {
        throw new BadRequest("invalid-event", "Invalid event name",
            "event must be a non-empty string without CR or LF");
      }
      name = eventNode.asText();
    }
    JsonNode data = json.get("data");
    if (data == null) {
      throw new BadRequest("missing-data", "Missing data", "data is required");
    }
    return new Event(topic, name, data.isTextual() ? data.asText() : data.toString());
  }

  /** The body, or {@code null} when it is longer than the limit (the rest is left unread). */
  private byte[] readBody(HttpServletRequest request) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBodyBytes) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
    byte[] buffer = new byte[8192];
    InputStream in = request.getInputStream();
    int n;
    while ((n = in.read(buffer)) >= 0) {
      if (out.size() + n > maxBodyBytes) {
        return null;
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /**
   * Before a refusal: reads and drops what is left of the body, up to {@link #MAX_SWALLOW_BYTES},
   * so a client still sending reads the answer; past that the connection is closed.
   */
  private static void dropRestOfBody(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (request.getContentLengthLong() <= MAX_SWALLOW_BYTES) {
      byte[] buffer = new byte[8192];
      InputStream in = request.getInputStream();
      long dropped = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        dropped += n;
        if (dropped > MAX_SWALLOW_BYTES) {
          break;
        }
      }
      if (n < 0) {
        return;
      }
    }
    response.setHeader("Connection", "close");
  }

  private record Event(String topic, String name, String data) {}

  /** A request the endpoint refuses with {@code 400}. */
  private static final class BadRequest extends Exception {
    final String type;
    final String title;

    BadRequest(String type, String title, String detail) {
      super(detail, null, false, false);
      this.type = type;
      this.title = title;
    }
  }
}
