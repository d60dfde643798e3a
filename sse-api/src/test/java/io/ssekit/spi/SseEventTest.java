package io.ssekit.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SseEventTest {
  @Test
  void anEventNameWithALineBreakIsRefused() {
    assertEquals("event name must not contain CR or LF, was \"a\\r\\nevent: b\"",
        assertThrows(IllegalArgumentException.class, () -> SseEvent.named("a\r\nevent: b", "d"))
            .getMessage());
  }

  @Test
  void anIdWithCrLfOrNulIsRefused() {
    for (String id : new String[] {"a\rb", "a\nb", "a\0b"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SseEvent.of("d").withId(id));
      assertEquals(true, e.getMessage().startsWith("id must not contain CR, LF or NUL, was"));
    }
    assertEquals("id must not contain CR, LF or NUL, was \"a\\0b\"",
        assertThrows(IllegalArgumentException.class, () -> SseEvent.of("d").withId("a\0b"))
            .getMessage());
  }

  @Test
  void dataIsRequiredAndRetryNotNegative() {
    assertEquals("data must not be null (use \"\" for an empty event)",
        assertThrows(NullPointerException.class, () -> SseEvent.of(null)).getMessage());
    assertEquals("retry must not be negative, was PT-1S",
        assertThrows(IllegalArgumentException.class,
            () -> SseEvent.of("d").withRetry(Duration.ofSeconds(-1))).getMessage());
  }

  @Test
  void longUntrustedValuesAreShortenedInMessages() {
    String message = assertThrows(IllegalArgumentException.class,
        () -> SseEvent.named("x".repeat(500) + "\n", "d")).getMessage();
    assertEquals(true, message.length() < 120, message);
  }
}
