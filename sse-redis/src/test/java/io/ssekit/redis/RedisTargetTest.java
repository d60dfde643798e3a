package io.ssekit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisCredentials;
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
