/**
 * What the Redis history ({@code sse-history-redis}) and the Redis fanout
 * ({@code sse-fanout-redis}) share, so that either works without the other on the class path:
 * the connection ({@link io.ssekit.redis.RedisTarget}), the builder settings both take
 * ({@link io.ssekit.redis.RedisModuleBuilder}), the key and channel layout
 * ({@link io.ssekit.redis.RedisKeys}), the script runner ({@link io.ssekit.redis.LuaScript}) and
 * the pub/sub message format ({@link io.ssekit.redis.RedisMessage}).
 *
 * <p>The two modules meet only through {@link io.ssekit.redis.RedisHistory}: when the hub
 * attaches the Redis history to the Redis fanout, the fanout checks that both use the same Redis
 * and key prefix and has the history publish each event in the step that appends it. With any
 * other history the fanout publishes itself; with any other fanout the history publishes
 * nothing.
 */
package io.ssekit.redis;
