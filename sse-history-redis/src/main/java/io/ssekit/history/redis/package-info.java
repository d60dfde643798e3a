/**
 * {@link io.ssekit.history.redis.RedisEventHistory}: the event history in Redis Streams, shared by
 * every instance behind a load balancer.
 */
package io.ssekit.history.redis;
