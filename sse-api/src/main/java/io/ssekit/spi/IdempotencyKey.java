package io.ssekit.spi;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * The idempotency key of a publish and how long the history remembers it. Within
 * {@code window} of an append with this key, another append to the same topic with the same key
 * stores and delivers nothing and answers the first one's position (see {@link
 * EventHistory#append(String, String, String, IdempotencyKey)}).
 *
 * @param value any text of 1 to {@value #MAX_BYTES} bytes in UTF-8, compared exactly
 * @param window how long the key is remembered, positive, at most a day
 */
public record IdempotencyKey(String value, Duration window) {
  /** The longest key accepted, in UTF-8 bytes. */
  public static final int MAX_BYTES = 256;

  /** The longest window accepted. */
  public static final Duration MAX_WINDOW = Duration.ofDays(1);

  /** The window the hub uses unless configured otherwise: 5 minutes. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  /** Validates the key and the window. */
  public IdempotencyKey {
    requireValid(value);
    requireValidWindow(window);
  }

  /**
   * Checks a window.
   *
   * @return {@code window}
   * @throws IllegalArgumentException unless it is positive and at most {@link #MAX_WINDOW}
   */
  public static Duration requireValidWindow(Duration window) {
    Objects.requireNonNull(window, "idempotencyWindow");
    if (window.isNegative() || window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("idempotencyWindow must be positive and at most "
          + MAX_WINDOW + ", was " + window);
    }
    return window;
  }

  /**
   * Checks a key's text.
   *
   * @throws IllegalArgumentException naming the key's problem: empty, or over {@value #MAX_BYTES}
   *     bytes
   */
  public static void requireValid(String value) {
    Objects.requireNonNull(value, "idempotencyKey");
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > MAX_BYTES) {
      throw new IllegalArgumentException("idempotencyKey must be 1 to " + MAX_BYTES
          + " bytes of UTF-8, was " + bytes + " bytes");
    }
  }
}
