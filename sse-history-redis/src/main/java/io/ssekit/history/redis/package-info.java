/**
 * {@link io.ssekit.history.redis.RedisEventHistory}: the event history in Redis Streams, shared by
 * every instance behind a load balancer.
 *
 * <p>The connection, key layout and message format come from {@code io.ssekit.redis}
 * ({@code sse-redis}), which the Redis fanout shares; this module does not depend on the fanout.
 * It publishes events only when the hub attaches it to the Redis fanout (through {@link
 * io.ssekit.redis.RedisHistory}); with the local fanout, or any other, it only stores them.
 */
package io.ssekit.history.redis;
