package io.ssekit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ssekit.spi.StoredEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pub/sub message format, and the parts a script builds it from. */
class RedisMessageTest {
  static final String EPOCH = "e1";

  @Test
  void anEventComesBackAsItWentWhateverItsNameAndData() {
    for (StoredEvent event : List.of(
        new StoredEvent(EPOCH, "t", 1, null, ""),
        new StoredEvent(EPOCH, "t", 1_722_000_000_000_001L, "update", "plain"),
        new StoredEvent(EPOCH, "t", 42, null, "two\nlines\n\nand a blank one\n"),
        new StoredEvent(EPOCH, "t", 7, "x", "-\n+\n"),
        new StoredEvent(EPOCH, "t", 9, "naïve", "ünïcødé ✓"))) {
      assertEquals(event, RedisMessage.decode("t", RedisMessage.encode(event)));
    }
  }

  @Test
  void theFormatIsEpochPositionNameFieldAndData() {
    assertEquals("e1\n5\n-\nhello",
        RedisMessage.encode(new StoredEvent(EPOCH, "t", 5, null, "hello")));
    assertEquals("e1\n5\n+greeting\nhello\nworld",
        RedisMessage.encode(new StoredEvent(EPOCH, "t", 5, "greeting", "hello\nworld")));
  }

  @Test
  void theScriptPartsAroundThePositionMakeTheSameMessage() {
    StoredEvent event = new StoredEvent(EPOCH, "t", 123, "n", "d\nd");
    assertEquals(RedisMessage.encode(event),
        RedisMessage.beforePosition(EPOCH) + "123" + RedisMessage.afterPosition("n") + "d\nd");
    assertEquals(RedisMessage.encode(new StoredEvent(EPOCH, "t", 123, null, "")),
        RedisMessage.beforePosition(EPOCH) + "123" + RedisMessage.afterPosition(null));
  }

  @Test
  void aMalformedMessageIsRefused() {
    assertEquals("an event message has four lines at least",
        assertThrows(IllegalArgumentException.class,
            () -> RedisMessage.decode("t", "e1\n5\n-")).getMessage());
    assertEquals("the third line of an event message is - or +<name>",
        assertThrows(IllegalArgumentException.class,
            () -> RedisMessage.decode("t", "e1\n5\nname\ndata")).getMessage());
    assertThrows(NumberFormatException.class, () -> RedisMessage.decode("t", "e1\nfive\n-\nd"));
  }
}
