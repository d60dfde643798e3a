package io.ssekit.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void pausesDoubleFromTheFirstUpToTheLargest() {
    assertEquals(100, Backoff.DEFAULT.pauseMillis(1));
    assertEquals(200, Backoff.DEFAULT.pauseMillis(2));
    assertEquals(1600, Backoff.DEFAULT.pauseMillis(5));
    assertEquals(2000, Backoff.DEFAULT.pauseMillis(6));
    assertEquals(2000, Backoff.DEFAULT.pauseMillis(Integer.MAX_VALUE));
  }

  @Test
  void invalidValuesAreRefusedNamingThem() {
    assertEquals("first must be positive, was PT0S", assertThrows(IllegalArgumentException.class,
        () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).getMessage());
    assertEquals("max must be at least first (PT1S), was PT0.5S",
        assertThrows(IllegalArgumentException.class,
            () -> new Backoff(Duration.ofSeconds(1), Duration.ofMillis(500))).getMessage());
    assertEquals("failures must be at least 1, was 0", assertThrows(
        IllegalArgumentException.class, () -> Backoff.DEFAULT.pauseMillis(0)).getMessage());
  }
}
