/** The fanout through Redis pub/sub, for several instances: provider {@code redis}. */
module io.ssekit.fanout.redis {
  requires transitive io.ssekit.api;
  requires transitive io.ssekit.redis;
  requires lettuce.core;
  requires reactor.core; // Lettuce's event bus, for cluster topology changes
  requires io.netty.common; // Lettuce's event executors, where resubscriptions wait
  requires org.slf4j;

  exports io.ssekit.fanout.redis;

  provides io.ssekit.spi.FanoutProvider with io.ssekit.fanout.redis.RedisFanoutProvider;
}
