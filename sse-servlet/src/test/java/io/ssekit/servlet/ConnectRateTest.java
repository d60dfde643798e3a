package io.ssekit.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The connect-rate limit on a clock the test moves. */
class ConnectRateTest {
  private long now = 1_000_000_000L;
  private final ConnectRate rate = new ConnectRate(10, () -> now);

  private void pass(long millis) {
    now += TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void aBurstOfOneSecondsWorthIsAdmittedThenOnePerToken() {
    for (int i = 0; i < 10; i++) {
      assertNull(rate.admit(), "request " + i + " of the burst");
    }
    assertNotNull(rate.admit(), "the bucket is empty");
    pass(100);
    assertNull(rate.admit(), "a token came back after 100 ms");
    assertNotNull(rate.admit());
    pass(1000);
    for (int i = 0; i < 10; i++) {
      assertNull(rate.admit(), "request " + i + " after a quiet second");
    }
    assertNotNull(rate.admit());
  }

  @Test
  void refusalsAreSpreadOverAWindowThatGrowsWithTheExcess() {
    for (int i = 0; i < 10; i++) {
      rate.admit();
    }
    List<Duration> later = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      later.add(rate.admit());
    }
    // The n-th request over the rate comes back within the n-th token's time: 100 ms each.
    for (int n = 1; n <= 50; n++) {
      long millis = later.get(n - 1).toMillis();
      assertTrue(millis >= (n - 1) * 100L && millis <= n * 100L, "refusal " + n + ": " + millis);
    }
    assertTrue(later.stream().distinct().count() > 40, later.toString());

    // The excess drains at the rate: a second later the window is ten tokens shorter.
    pass(1000);
    long next = rate.admit() == null ? -1 : 0;
    assertEquals(-1, next, "tokens came back meanwhile");
    for (int i = 0; i < 9; i++) {
      rate.admit();
    }
    Duration after = rate.admit();
    assertTrue(after.toMillis() >= 4000 && after.toMillis() <= 4100, after.toString());
  }

  @Test
  void theWindowIsCapped() {
    ConnectRate slow = new ConnectRate(1, () -> now);
    slow.admit();
    Duration last = null;
    for (int i = 0; i < 1000; i++) {
      last = slow.admit();
    }
    assertTrue(last.toSeconds() <= ConnectRate.MAX_SPREAD_SECONDS, last.toString());
    assertTrue(last.toSeconds() >= ConnectRate.MAX_SPREAD_SECONDS - 1, last.toString());
  }

  @Test
  void aRateOfNothingIsRefusedNamingTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ConnectRate(0));
    assertEquals("maxConnectsPerSecond must be positive, was 0", e.getMessage());
  }
}
