package io.ssekit.servlet;

import io.ssekit.ProtocolEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** How a stream request is answered when it cannot be served: beyond the cap, or at shutdown. */
public enum OverloadPolicy {
  /**
   * {@code 200} with a jittered {@code retry:} hint and an {@code sse-busy} event ({@code
   * server-shutdown} while the servlet stops), then the stream ends. A browser's {@code
   * EventSource} treats any other status as final; this way it comes back by itself after the
   * hint, with its {@code Last-Event-ID}. The default.
   */
  SSE_BUSY(ProtocolEvents.BUSY),

  /** {@code 503} with {@code Retry-After}: for clients that handle HTTP errors themselves. */
  SERVICE_UNAVAILABLE("503");

  private final String setting;

  OverloadPolicy(String setting) {
    this.setting = setting;
  }

  /** The value of the {@link ServletSetting#OVERLOAD_POLICY} init-param that selects it. */
  public String setting() {
    return setting;
  }

  /**
   * The policy that {@code value} of the setting {@code name} selects.
   *
   * @throws IllegalArgumentException naming the setting and the values it may take
   */
  static OverloadPolicy fromSetting(String name, String value) {
    return choose(name, value, values(), OverloadPolicy::setting);
  }

  /**
   * The constant of {@code choices} whose {@code setting} is {@code value}, for the setting
   * {@code name}.
   *
   * @throws IllegalArgumentException naming the setting and the values it may take
   */
  static <E> E choose(String name, String value, E[] choices, Function<E, String> setting) {
    List<String> settings = new ArrayList<>();
    for (E choice : choices) {
      if (setting.apply(choice).equals(value)) {
        return choice;
      }
      settings.add(setting.apply(choice));
    }
    throw new IllegalArgumentException(name + " must be " + String.join(" or ", settings)
        + ", was '" + value + "'");
  }
}
