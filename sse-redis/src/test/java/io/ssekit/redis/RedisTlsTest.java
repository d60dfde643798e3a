package io.ssekit.history.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.Cursor;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import io.ssekit.testkit.RedisServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connection settings pass through to Lettuce: TLS ({@code rediss://}) and a password. */
class RedisTlsTest {
  @Test
  void aRedissUriWithAPasswordConnectsOverTls(@TempDir Path dir) throws Exception {
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048",
        "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-out",
        dir.resolve("cert.pem").toString(), "-days", "1", "-subj", "/CN=127.0.0.1")
        .redirectErrorStream(true).start();
    openssl.getInputStream().readAllBytes();
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0,
        "openssl made a certificate");
    int tlsPort = RedisServer.freeLoopbackPort();
    String cert = dir.resolve("cert.pem").toString();
    try (RedisServer server = RedisServer.start("--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", cert, "--tls-key-file", dir.resolve("key.pem").toString(),
        "--tls-ca-cert-file", cert, "--tls-auth-clients", "no", "--requirepass", "s3cret")) {

      String tls = "rediss://:s3cret@127.0.0.1:" + tlsPort + "?verifyPeer=NONE";
      try (RedisEventHistory history = RedisEventHistory.builder().uri(tls).build()) {
        StoredEvent event = history.append("t", null, "over TLS").toCompletableFuture().join();
        Replay replay = history.replay(null, Set.of("t")).toCompletableFuture().join();
        assertEquals(event.cursor(), replay.start());
        assertEquals(List.of(event), history.replay(
            Cursor.of(event.epoch(), Map.of("t", event.position() - 1)),
            Set.of("t")).toCompletableFuture().join().events());
      }

      IllegalStateException plain = assertThrows(IllegalStateException.class,
          () -> RedisEventHistory.builder()
              .uri("redis://:s3cret@127.0.0.1:" + tlsPort).build().close());
      assertTrue(plain.getMessage().startsWith("cannot connect to Redis at redis://***@127.0.0.1:"),
          plain.getMessage());
      assertFalse(plain.getMessage().contains("s3cret"), "the password is never shown");
    }
  }
}
