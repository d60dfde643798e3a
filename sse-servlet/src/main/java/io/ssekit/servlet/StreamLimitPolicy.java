package io.ssekit.servlet;

/**
 * What happens when a principal or a client address that holds as many streams as its cap allows
 * ({@link ServletSetting#MAX_STREAMS_PER_PRINCIPAL}, {@link ServletSetting#MAX_STREAMS_PER_ADDRESS})
 * opens one more.
 */
public enum StreamLimitPolicy {
  /**
   * The new stream opens; the holder's oldest stream ends with {@code sse-superseded} and a long
   * jittered {@code retry:} hint ({@link ServletSetting#STREAM_LIMIT_RETRY}), so that two tabs do
   * not take turns knocking each other out. The default.
   */
  SUPERSEDE_OLDEST("supersede-oldest"),

  /**
   * The new stream is refused: a short {@code 200} stream carrying {@code sse-limit} and a
   * jittered {@code retry:} hint, or under the {@code 503} {@link OverloadPolicy} a {@code 429}
   * problem with {@code Retry-After}. The streams already open go on.
   */
  REFUSE_NEW("refuse-new");

  private final String setting;

  StreamLimitPolicy(String setting) {
    this.setting = setting;
  }

  /** The value of the {@link ServletSetting#STREAM_LIMIT_POLICY} init-param that selects it. */
  public String setting() {
    return setting;
  }
}
