package io.ssekit.testkit;

/**
 * A Redis of the test's own, a {@linkplain RedisServer single server} or a {@linkplain
 * RedisCluster cluster}, for tests that run the same cases on both.
 */
public interface TestRedis extends AutoCloseable {
  /** The URI the Redis modules take ({@code redis://...} or {@code redis+cluster://...}). */
  String uri();

  /** Deletes every key on every node. */
  void flushAll();

  /** Closes every pub/sub client connection on every node, as a network cut would. */
  void killPubSubClients();

  /** Stops every process and deletes their files. */
  @Override
  void close();
}
