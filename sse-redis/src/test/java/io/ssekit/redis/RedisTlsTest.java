package io.ssekit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.testkit.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
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
      try (RedisTarget.Connection redis = RedisTarget.parse(tls).connect(Duration.ofSeconds(5))) {
        assertEquals("OK", redis.commands().set("k", "over TLS").get(5, TimeUnit.SECONDS));
        assertEquals("over TLS", redis.commands().get("k").get(5, TimeUnit.SECONDS));
        assertTrue(redis.isUp());
      }

      IllegalStateException plain = assertThrows(IllegalStateException.class,
          () -> RedisTarget.parse("redis://:s3cret@127.0.0.1:" + tlsPort)
              .connect(Duration.ofSeconds(5)).close());
      assertTrue(plain.getMessage().startsWith("cannot connect to Redis at redis://***@127.0.0.1:"),
          plain.getMessage());
      assertFalse(plain.getMessage().contains("s3cret"), "the password is never shown");
    }
  }
}
