/**
 * {@link io.ssekit.fanout.redis.RedisFanout}: events to every instance through Redis pub/sub, in
 * order, with catch-up from the history after a cut.
 */
package io.ssekit.fanout.redis;
