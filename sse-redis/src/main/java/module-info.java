/**
 * What the Redis history and the Redis fanout share: the connection, the key layout, the scripts
 * and the message format. Not an API: exported only to those two modules.
 */
module io.ssekit.redis {
  requires transitive io.ssekit.api;
  requires lettuce.core;
  requires io.netty.common; // Lettuce's event executors, where connection attempts wait

  exports io.ssekit.redis to io.ssekit.history.redis, io.ssekit.fanout.redis;
}
