package io.ssekit.history.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ssekit.SseHub;
import io.ssekit.testkit.RecordingSink;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import io.ssekit.testkit.TestRedis;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several instances on one real {@code redis-server}. */
class RedisInstancesTest extends RedisInstancesCases {
  @RegisterExtension
  final RedisExtension<RedisServer> redis = RedisExtension.server();

  @Test
  void aSubscribeRefusedAfterACutIsRetriedUntilItWorksAndNothingIsLost() {
    RedisServer server = redis.redis();
    assertEquals("+OK", server.command("ACL", "SETUSER", "app", "on", ">pw", "~*", "&*", "+@all"));
    SseHub hub = instance("redis://app:pw@127.0.0.1:" + server.port());
    RecordingSink sink = stream(hub, "t");
    publish(hub, "t", "t|1");
    await().atMost(WAIT).until(() -> sink.data().contains("t|1"));

    // Redis cuts the user's pub/sub connection and refuses it every channel: the fanout's
    // subscribe after reconnecting fails, again and again.
    assertEquals("+OK", server.command("ACL", "SETUSER", "app", "resetchannels"));
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1500));
    assertEquals("+OK", server.command("ACL", "SETUSER", "app", "allchannels"));
    String id = publish(hub, "t", "t|2");

    await().atMost(WAIT).until(() -> sink.data().contains("t|2"));
    assertEquals(List.of("t|1", "t|2"), sink.data().stream().filter(d -> d.startsWith("t|"))
        .toList());
    assertEquals(id, sink.lastId());
    assertFalse(sink.ended(), "the stream stayed open");
  }

  @Override
  TestRedis redis() {
    return redis.redis();
  }

  @Override
  void restartRedis() {
    redis.redis().restart();
  }
}
