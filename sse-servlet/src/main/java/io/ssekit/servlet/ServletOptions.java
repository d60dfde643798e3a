package io.ssekit.servlet;

import static io.ssekit.servlet.ServletSetting.FANOUT;
import static io.ssekit.servlet.ServletSetting.HISTORY;
import static io.ssekit.servlet.ServletSetting.KEEP_ALIVE;
import static io.ssekit.servlet.ServletSetting.KEEP_ALIVE_POLICY;
import static io.ssekit.servlet.ServletSetting.LISTENER;
import static io.ssekit.servlet.ServletSetting.MAX_EVENT_SIZE;
import static io.ssekit.servlet.ServletSetting.MAX_LIFETIME;
import static io.ssekit.servlet.ServletSetting.MAX_PENDING_EVENTS;
import static io.ssekit.servlet.ServletSetting.RETRY;

import io.ssekit.SseHub;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.KeepAlivePolicy;
import io.ssekit.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The settings of an {@link SseServlet}, from its init-params or from its {@link
 * SseServlet.Builder}: the value of each {@link ServletSetting} that was given, the defaults of
 * the others, and the hub given to the builder, if any. The settings themselves (names, types,
 * defaults, checks, meanings) are defined in {@link ServletSetting}.
 */
final class ServletOptions {
  private final SseHub hub;
  private final Map<ServletSetting<?>, Object> values;
  private final KeepAlivePolicy keepAlive;

  private ServletOptions(SseHub hub, Map<ServletSetting<?>, Object> values) {
    this.hub = hub;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    KeepAlivePolicy policy = get(KEEP_ALIVE_POLICY);
    this.keepAlive = policy != null ? policy : new KeepAlivePolicy.Fixed(get(KEEP_ALIVE),
        Optional.ofNullable(get(RETRY)), Optional.ofNullable(get(MAX_LIFETIME)));
  }

  /**
   * The options of a servlet built in code, from the values its builder checked as they were set.
   *
   * @throws IllegalStateException when a combination is refused (see {@link ServletSetting})
   */
  static ServletOptions of(SseHub hub, Map<ServletSetting<?>, Object> values) {
    if (hub != null) {
      refuse(values, ServletSetting.OWN_HUB, "hub(...) excludes ",
          ": configure that on the hub itself", ": configure those on the hub itself");
    }
    if (values.containsKey(KEEP_ALIVE_POLICY)) {
      refuse(values, ServletSetting.FIXED_KEEP_ALIVE, "keepAlivePolicy(...) excludes ",
          ", which configures the fixed policy only", ", which configure the fixed policy only");
    }
    return new ServletOptions(hub, values);
  }

  /**
   * Reads init-params, each {@link ServletSetting} in turn and the providers last, so that a
   * wrong value fails before a provider connects anywhere; what was created is closed again when
   * a later setting fails.
   *
   * @throws IllegalArgumentException for an invalid, unknown or conflicting init-param, naming it
   */
  static ServletOptions fromSettings(Map<String, String> params) {
    Settings settings = Settings.of(params);
    Map<ServletSetting<?>, Object> values = new LinkedHashMap<>();
    for (ServletSetting<?> setting : ServletSetting.all()) {
      if (!setting.isProvider()) {
        setting.read(settings).ifPresent(value -> values.put(setting, value));
      }
    }
    String policy = settings.string(KEEP_ALIVE_POLICY.name()).orElse(null);
    for (ServletSetting<?> fixedOnly : ServletSetting.FIXED_KEEP_ALIVE) {
      if (policy != null && !KEEP_ALIVE_POLICY.isDefaultProvider(policy)
          && values.containsKey(fixedOnly)) {
        throw new IllegalArgumentException(fixedOnly + " applies to the fixed keep-alive policy"
            + " only; with keepAlivePolicy=" + policy + " use keepAlivePolicy.* settings");
      }
    }
    List<AutoCloseable> created = new ArrayList<>();
    try {
      for (ServletSetting<?> setting : ServletSetting.all()) {
        if (setting.isProvider()) {
          setting.read(settings).ifPresent(value -> {
            values.put(setting, value);
            if (value instanceof AutoCloseable closeable) {
              created.add(closeable);
            }
          });
        }
      }
      settings.requireAllRead();
      return new ServletOptions(null, values);
    } catch (RuntimeException e) {
      for (AutoCloseable instance : created) {
        try {
          instance.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** The value of {@code setting}: the one given, or its default (possibly {@code null}). */
  <T> T get(ServletSetting<T> setting) {
    return setting.in(values);
  }

  /** The hub given to the builder, or {@code null} when the servlet creates its own. */
  SseHub hub() {
    return hub;
  }

  /** A new hub over the configured history and fanout (the servlet owns and closes it). */
  SseHub newHub() {
    SseHub.Builder builder = SseHub.builder().maxEventSize(get(MAX_EVENT_SIZE))
        .maxPendingEvents(get(MAX_PENDING_EVENTS)).listener(get(LISTENER))
        .replayConcurrency(get(ServletSetting.REPLAY_CONCURRENCY));
    if (get(HISTORY) != null) {
      builder.history(get(HISTORY));
    }
    if (get(FANOUT) != null) {
      builder.fanout(get(FANOUT));
    }
    return builder.build();
  }

  /**
   * The keep-alive policy: {@link ServletSetting#KEEP_ALIVE_POLICY}, or the fixed one made of
   * {@link ServletSetting#KEEP_ALIVE}, {@link ServletSetting#RETRY} and {@link
   * ServletSetting#MAX_LIFETIME}.
   */
  KeepAlivePolicy keepAlive() {
    return keepAlive;
  }

  private static void refuse(Map<ServletSetting<?>, Object> values,
      List<ServletSetting<?>> excluded, String prefix, String adviceForOne, String adviceForMany) {
    List<String> given = excluded.stream().filter(values::containsKey).map(ServletSetting::name)
        .collect(Collectors.toList());
    if (!given.isEmpty()) {
      throw new IllegalStateException(prefix + String.join(", ", given)
          + (given.size() == 1 ? adviceForOne : adviceForMany));
    }
  }
}
