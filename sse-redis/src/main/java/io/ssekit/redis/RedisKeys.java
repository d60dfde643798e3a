package io.ssekit.redis;

/**
 * Where the Redis modules keep things, under one key prefix. A topic's keys and its channel share
 * the hash tag {@code {<topic>}}, so they live in one hash slot (one Redis Cluster shard) and one
 * script can use them all.
 *
 * <ul>
 *   <li>{@code <prefix>{<topic>}:s}: the topic's events, a stream;</li>
 *   <li>{@code <prefix>{<topic>}:m}: its head and epoch, a hash ({@code seq}: the last
 *       position, {@code ms}: the time part of the last stream id, {@code run}: the
 *       {@code run_id} of the Redis server that assigned it, {@code epoch});</li>
 *   <li>{@code <prefix>{<topic>}:i:<key>}: an idempotency key of the topic's publishes, until
 *       its window ends: the epoch and position of its first append;</li>
 *   <li>{@code <prefix>{<topic>}:c}: the channel its events are published on, each as a
 *       {@link RedisMessage};</li>
 *   <li>{@code <prefix>epoch}: the history's epoch.</li>
 * </ul>
 *
 * @param prefix the key prefix, without braces
 */
public record RedisKeys(String prefix) {
  /** The prefix every module uses unless configured otherwise. */
  public static final String DEFAULT_PREFIX = "ssekit:";

  /** Validates the prefix. */
  public RedisKeys {
    if (prefix == null || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      throw new IllegalArgumentException("keyPrefix must be set and must not contain braces, was "
          + (prefix == null ? "null" : "\"" + prefix + "\""));
    }
  }

  public String stream(String topic) {
    return prefix + "{" + topic + "}:s";
  }

  public String meta(String topic) {
    return prefix + "{" + topic + "}:m";
  }

  /** The record of an idempotency key of {@code topic}'s publishes. */
  public String idempotency(String topic, String key) {
    return prefix + "{" + topic + "}:i:" + key;
  }

  public String channel(String topic) {
    return prefix + "{" + topic + "}:c";
  }

  public String epoch() {
    return prefix + "epoch";
  }

  /** The topic of a {@link #channel}. */
  public String topicOfChannel(String channel) {
    if (!channel.startsWith(prefix + "{") || !channel.endsWith("}:c")) {
      throw new IllegalArgumentException("not a topic channel: " + channel);
    }
    return channel.substring(prefix.length() + 1, channel.length() - 3);
  }
}
