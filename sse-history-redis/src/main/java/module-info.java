/** The event history in Redis Streams, shared by every instance: provider {@code redis}. */
module io.ssekit.history.redis {
  requires transitive io.ssekit.api;
  requires transitive io.ssekit.redis;
  requires lettuce.core;

  exports io.ssekit.history.redis;
  // LuaScript (in io.ssekit.redis) reads this module's scripts (append.lua, replay.lua).
  opens io.ssekit.history.redis to io.ssekit.redis;

  provides io.ssekit.spi.EventHistoryProvider
      with io.ssekit.history.redis.RedisEventHistoryProvider;
}
