package io.ssekit.servlet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.spi.KeepAlivePolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream that finishes (its credentials expire, its lifetime is over) ends with its last bytes;
 * a client that does not take them still loses the stream {@value
 * Connections#FINISH_GRACE_MILLIS} ms later, and its slot with it.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class FinishingCutOffTest {
  private static final byte[] GREETING = ": hello\n\n".getBytes(StandardCharsets.UTF_8);

  private final Connections connections = new Connections(10,
      KeepAlivePolicy.every(Duration.ofMinutes(1)), Duration.ofSeconds(30), "test");

  @AfterEach
  void stop() {
    connections.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void aClientThatStoppedReadingIsCutOffAfterTheGraceOnceItsCredentialsExpired() {
    FakeOutput stalled = FakeOutput.stalled();
    FakeOutput reading = FakeOutput.reading(0);
    long expiryNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
    Instant expiresAt = Instant.now().plusMillis(300);
    connections.expireAt(stalled.open(connections, 4096, GREETING), expiresAt);
    connections.expireAt(reading.open(connections, 4096, GREETING), expiresAt);

    // The reader takes its last event and the stream ends at expiry.
    await().atMost(Duration.ofSeconds(5)).until(() -> reading.completed.get());
    assertTrue(reading.text().contains("event: sse-token-expired\n"), reading.text());

    // The stalled client keeps its stream through the grace, then loses it and its slot.
    await().atMost(Duration.ofSeconds(Connections.FINISH_GRACE_MILLIS / 1000 + 5))
        .until(() -> stalled.completed.get() && connections.count() == 0);
    long afterExpiry = TimeUnit.NANOSECONDS.toMillis(stalled.completedNanos - expiryNanos);
    assertTrue(afterExpiry >= Connections.FINISH_GRACE_MILLIS - 300,
        "cut off " + afterExpiry + " ms after expiry, before the grace was over");
  }

  @Test
  void aClientThatStoppedReadingIsCutOffAfterTheGraceOnceItsLifetimeIsOver() {
    Connections shortLived = new Connections(10, KeepAlivePolicy.every(Duration.ofMinutes(1))
        .withMaxLifetime(Duration.ofMillis(300)), Duration.ofSeconds(30), "lifetime");
    try {
      FakeOutput stalled = FakeOutput.stalled();
      long openedNanos = System.nanoTime();
      stalled.open(shortLived, 4096, GREETING);
      await().atMost(Duration.ofSeconds(Connections.FINISH_GRACE_MILLIS / 1000 + 5))
          .until(() -> stalled.completed.get() && shortLived.count() == 0);
      long open = TimeUnit.NANOSECONDS.toMillis(stalled.completedNanos - openedNanos);
      assertTrue(open >= 300 + Connections.FINISH_GRACE_MILLIS - 300,
          "cut off after " + open + " ms, before the lifetime and the grace were over");
    } finally {
      shortLived.shutdown(Duration.ofSeconds(1));
    }
  }
}
