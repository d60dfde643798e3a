package io.ssekit.servlet;

import io.ssekit.ProtocolEvents;
import io.ssekit.SseEncoder;
import io.ssekit.spi.SseEvent;
import io.ssekit.spi.SseListener.CloseReason;
import io.ssekit.spi.SsePrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;

/**
 * The per-principal and per-address stream caps of one servlet, as its requests meet them: who
 * holds a new stream ({@link StreamCaps}), how a refused one is answered, and how a superseded
 * one ends. Without a cap configured it admits everything and looks at nothing.
 *
 * <ul>
 *   <li>The principal is {@link SsePrincipal#name()}; {@link SsePrincipal#ANONYMOUS} (no
 *       authentication) is no one and is not counted per principal.</li>
 *   <li>The address is the request's client address ({@link ClientAddress}, believing forwarded
 *       headers from {@link ServletSetting#TRUSTED_PROXIES} only).</li>
 *   <li>A superseded stream ends with a jittered {@code retry:} hint of {@link
 *       ServletSetting#STREAM_LIMIT_RETRY} and {@code sse-superseded} after what it has queued.</li>
 *   <li>A refused stream gets a short {@code 200} stream with the same hint and {@code
 *       sse-limit}, or a {@code 429} problem with {@code Retry-After} under the {@code 503}
 *       {@link OverloadPolicy}.</li>
 * </ul>
 */
final class StreamLimits {
  private final StreamCaps caps;
  private final ClientAddress addresses;
  private final Duration retry;
  private final boolean problems;

  StreamLimits(ServletOptions options) {
    Integer perPrincipal = options.get(ServletSetting.MAX_STREAMS_PER_PRINCIPAL);
    Integer perAddress = options.get(ServletSetting.MAX_STREAMS_PER_ADDRESS);
    this.caps = new StreamCaps(perPrincipal == null ? 0 : perPrincipal,
        perAddress == null ? 0 : perAddress, options.get(ServletSetting.STREAM_LIMIT_POLICY));
    this.addresses = ClientAddress.trusting(ServletSetting.TRUSTED_PROXIES.name(),
        options.get(ServletSetting.TRUSTED_PROXIES), options.get(ServletSetting.FORWARDED_HEADER));
    this.retry = options.get(ServletSetting.STREAM_LIMIT_RETRY);
    this.problems =
        options.get(ServletSetting.OVERLOAD_POLICY) == OverloadPolicy.SERVICE_UNAVAILABLE;
  }

  /** The counts, for tests. */
  StreamCaps caps() {
    return caps;
  }

  /** Admits a stream of {@code principal} from {@code request}'s client; see {@link StreamCaps}. */
  StreamCaps.Claim admit(SsePrincipal principal, HttpServletRequest request) {
    String name = caps.capsPrincipals() && principal != SsePrincipal.ANONYMOUS
        ? principal.name() : null;
    String address = caps.capsAddresses() ? addresses.of(request) : null;
    return caps.admit(name, address);
  }

  /** Makes {@code connection} end with {@code sse-superseded} when its claim is superseded. */
  void attach(StreamCaps.Claim claim, SseConnection connection) {
    connection.onRelease(claim::release);
    claim.attach(limit -> connection.finishWith(frame(ProtocolEvents.SUPERSEDED, limit),
        CloseReason.SUPERSEDED));
  }

  /** Answers a stream request that {@code limit} refused. */
  void refuse(HttpServletResponse response, StreamCaps.Limit limit) throws IOException {
    String detail = limit.cap() == StreamCaps.Cap.PRINCIPAL
        ? "this principal holds its maximum of " + limit.limit() + " streams"
        : "this client address holds its maximum of " + limit.limit() + " streams";
    if (problems) {
      Refusals.problem(response, 429, retry.toMillis(), "stream-limit", "Too many streams",
          detail);
      return;
    }
    Refusals.shortStream(response, frame(ProtocolEvents.LIMIT, limit));
  }

  /** {@code event} with a jittered {@code retry:} hint, its data naming the cap. */
  private byte[] frame(String event, StreamCaps.Limit limit) {
    Duration hint = Connections.jittered(retry);
    return SseEncoder.encode(new SseEvent(null, event, "{\"cap\":\"" + limit.cap().wire()
        + "\",\"limit\":" + limit.limit() + ",\"retry\":" + hint.toMillis() + "}", hint));
  }
}
