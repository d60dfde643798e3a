/**
 * {@link io.ssekit.fanout.redis.RedisFanout}: events to every instance through Redis pub/sub, in
 * order, with catch-up from the history after a cut.
 *
 * <p>The connection, key layout and message format come from {@code io.ssekit.redis}
 * ({@code sse-redis}), which the Redis history shares; this module does not depend on the
 * history, so it works with any of them and puts no second history provider on the class path.
 * With the Redis history (same Redis, same key prefix, checked when the hub starts) the history
 * publishes each event as it appends it; with another, the fanout publishes.
 */
package io.ssekit.fanout.redis;
