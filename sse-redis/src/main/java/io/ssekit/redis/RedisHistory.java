package io.ssekit.redis;

import java.util.concurrent.CompletionStage;

/**
 * An event history kept in Redis, as the Redis fanout sees it: {@code RedisEventHistory}
 * implements it, and the fanout finds it in {@link io.ssekit.spi.Fanout#attach}, so that neither
 * module depends on the other.
 *
 * <p>Such a history appends each event with one script that assigns its position. When it
 * publishes too, in that same step, every instance receives a topic's events in position order
 * even when several instances append to the topic at once; a publish after the append could
 * overtake another instance's.
 */
public interface RedisHistory {
  /** The Redis the history uses (for messages; its password hidden). */
  RedisTarget target();

  /** Where the history keeps its keys and publishes its events. */
  RedisKeys keys();

  /**
   * The history's epoch as Redis holds it under {@link RedisKeys#epoch()} (created when
   * missing). Another client of the same Redis and key prefix reads the same value there.
   */
  CompletionStage<String> epoch();

  /**
   * From now on, publish every appended event on its topic's {@linkplain RedisKeys#channel
   * channel} as a {@link RedisMessage}, in the atomic step that assigns its position. Until this
   * is called the history publishes nothing. Idempotent; call it before the first append.
   */
  void publishAppends();
}
