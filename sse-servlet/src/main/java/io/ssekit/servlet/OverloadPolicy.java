package io.ssekit.servlet;

import io.ssekit.ProtocolEvents;

/** How a stream request is answered when it cannot be served: beyond the cap, or at shutdown. */
public enum OverloadPolicy {
  /**
   * {@code 200} with a jittered {@code retry:} hint and an {@code sse-busy} event ({@code
   * server-shutdown} while the servlet stops), then the stream ends. A browser's {@code EventSource} treats any other status as final; this way it
   * comes back by itself after the hint, with its {@code Last-Event-ID}. The default.
   */
  SSE_BUSY(ProtocolEvents.BUSY),

  /** {@code 503} with {@code Retry-After}: for clients that handle HTTP errors themselves. */
  SERVICE_UNAVAILABLE("503");

  private final String setting;

  OverloadPolicy(String setting) {
    this.setting = setting;
  }

  /** The value of the {@code overloadPolicy} init-param that selects this policy. */
  public String setting() {
    return setting;
  }

  static OverloadPolicy fromSetting(String name, String value) {
    for (OverloadPolicy policy : values()) {
      if (policy.setting.equals(value)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(name + " must be sse-busy or 503, was '" + value + "'");
  }
}
