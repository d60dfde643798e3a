package io.ssekit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.ssekit.testkit.RedisServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The URI forms of the Redis modules. */
class RedisTargetTest {
  @Test
  void aRedisUriIsOneRedis() {
    RedisTarget target = RedisTarget.parse("redis://:s3cret@10.0.0.5:6380/2?timeout=3s");
    assertFalse(target.isCluster());
    assertEquals("redis://***@10.0.0.5:6380/2?timeout=3s", target.redacted());
  }

  @Test
  void aClusterUriListsItsSeedNodesAndHidesItsPassword() {
    RedisTarget target = RedisTarget.parse("rediss+cluster://app:s3cret@h1:7000,h2:7001/?timeout=3s");
    assertTrue(target.isCluster());
    assertEquals("rediss+cluster://***@h1:7000,h2:7001/?timeout=3s", target.redacted());
    assertEquals(2, target.seeds().size());
    for (var seed : target.seeds()) {
      assertTrue(seed.isSsl(), "TLS for every seed");
      RedisCredentials credentials = seed.getCredentialsProvider().resolveCredentials().block();
      assertEquals("app", credentials.getUsername());
      assertEquals("s3cret", String.valueOf(credentials.getPassword()));
      assertEquals(Duration.ofSeconds(3), seed.getTimeout());
    }
    assertEquals("h2", target.seeds().get(1).getHost());
    assertEquals(7001, target.seeds().get(1).getPort());
  }

  @Test
  void aSentinelUriNamesTheSentinelsTheDatabaseAndTheMaster() {
    RedisTarget target = RedisTarget.parse("redis-sentinel://s3cret@h1:26379,h2:26380/2#mymaster");
    assertFalse(target.isCluster());
    assertEquals("redis-sentinel://***@h1:26379,h2:26380/2#mymaster", target.redacted());
    RedisURI uri = target.seeds().get(0);
    assertEquals("mymaster", uri.getSentinelMasterId());
    assertEquals(2, uri.getDatabase());
    assertEquals(List.of("h1:26379", "h2:26380"), uri.getSentinels().stream()
        .map(sentinel -> sentinel.getHost() + ":" + sentinel.getPort()).toList());
    assertEquals("s3cret", String.valueOf(uri.getCredentialsProvider().resolveCredentials()
        .block().getPassword()));
  }

  @Test
  void aSentinelUriWithoutTheMastersNameIsRefused() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> RedisTarget.parse("redis-sentinel://h1:26379,h2:26380"));
    assertTrue(missing.getMessage().contains("names its master after '#'"), missing.getMessage());
  }

  @Test
  void aConnectionToARedisNotThereYetIsMadeOnceItAnswers() throws Exception {
    int port = RedisServer.freeLoopbackPort();
    try (RedisTarget.Connection redis = RedisTarget.parse("redis://127.0.0.1:" + port)
        .connect(Duration.ofSeconds(2))) {
      assertFalse(redis.isUp());
      assertFalse(redis.whenConnected().toCompletableFuture().isDone());
      RedisConnectionException notYet = assertThrows(RedisConnectionException.class,
          redis::commands);
      assertEquals("Redis at redis://127.0.0.1:" + port + " has not been reachable since the"
          + " start", notYet.getMessage());
      assertTrue(redis.publish("c", "m").isCompletedExceptionally(), "fails at once");

      try (RedisServer server = RedisServer.startOnPort(port)) {
        redis.whenConnected().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(redis.isUp());
        assertEquals("OK", redis.commands().set("k", "v").get(5, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void malformedUrisAreRefusedWithTheReason() {
    IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
        () -> RedisTarget.parse("http+cluster://h1:7000"));
    assertTrue(scheme.getMessage().contains("redis+cluster://"), scheme.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> RedisTarget.parse("redis+cluster://h1:7000,,h2:7001"));
    assertTrue(empty.getMessage().contains("empty host"), empty.getMessage());
    IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
        () -> RedisTarget.parse("localhost:6379"));
    assertTrue(plain.getMessage().startsWith("not a Redis URI"), plain.getMessage());
  }
}
