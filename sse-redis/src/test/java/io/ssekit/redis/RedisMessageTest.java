package io.ssekit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ssekit.spi.StoredEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pub/sub message format, and the parts a script builds it from. */
class RedisMessageTest {
  static final String EPOCH = "e1";
  static final long APPENDED = 1_780_000_000_123_456L;

  @Test
  void anEventComesBackAsItWentWhateverItsNameAndDataWithItsTime() {
    for (StoredEvent event : List.of(
        new StoredEvent(EPOCH, "t", 1, null, ""),
        new StoredEvent(EPOCH, "t", 1_722_000_000_000_001L, "update", "plain"),
        new StoredEvent(EPOCH, "t", 42, null, "two\nlines\n\nand a blank one\n"),
        new StoredEvent(EPOCH, "t", 7, "x", "-\n+\n@1\n"),
        new StoredEvent(EPOCH, "t", 8, null, "@5\n-"),
        new StoredEvent(EPOCH, "t", 9, "naïve", "ünïcødé ✓"))) {
      assertEquals(new RedisMessage.Received(event, APPENDED),
          RedisMessage.read("t", RedisMessage.encode(event, APPENDED)));
      assertEquals(event, RedisMessage.decode("t", RedisMessage.encode(event, APPENDED)));
    }
  }

  @Test
  void theFormatIsEpochPositionTimeNameFieldAndData() {
    assertEquals("e1\n5\n@" + APPENDED + "\n-\nhello",
        RedisMessage.encode(new StoredEvent(EPOCH, "t", 5, null, "hello"), APPENDED));
    assertEquals("e1\n5\n@" + APPENDED + "\n+greeting\nhello\nworld",
        RedisMessage.encode(new StoredEvent(EPOCH, "t", 5, "greeting", "hello\nworld"),
            APPENDED));
  }

  @Test
  void aMessageWithoutTimeIsOfAnUnknownTime() {
    assertEquals(new RedisMessage.Received(new StoredEvent(EPOCH, "t", 5, "n", "@1\nd"), 0),
        RedisMessage.read("t", "e1\n5\n+n\n@1\nd"));
    assertEquals(new RedisMessage.Received(new StoredEvent(EPOCH, "t", 5, null, ""), 0),
        RedisMessage.read("t", "e1\n5\n-\n"));
  }

  @Test
  void theScriptPartsAroundThePositionMakeTheSameMessage() {
    StoredEvent event = new StoredEvent(EPOCH, "t", 123, "n", "d\nd");
    assertEquals(RedisMessage.encode(event, APPENDED), RedisMessage.beforePosition(EPOCH) + "123"
        + RedisMessage.afterPosition("n", APPENDED) + "d\nd");
    assertEquals(RedisMessage.encode(new StoredEvent(EPOCH, "t", 123, null, ""), APPENDED),
        RedisMessage.beforePosition(EPOCH) + "123" + RedisMessage.afterPosition(null, APPENDED));
  }

  @Test
  void theTimeIsMicrosecondsOfTheWallClock() {
    long before = System.currentTimeMillis() * 1000;
    long now = RedisMessage.nowMicros();
    long after = (System.currentTimeMillis() + 1) * 1000;
    assertEquals(true, now >= before && now <= after, before + " <= " + now + " <= " + after);
  }

  @Test
  void aMalformedMessageIsRefused() {
    assertEquals("an event message has four lines at least",
        assertThrows(IllegalArgumentException.class,
            () -> RedisMessage.decode("t", "e1\n5\n-")).getMessage());
    assertEquals("an event message with a time has five lines at least",
        assertThrows(IllegalArgumentException.class,
            () -> RedisMessage.decode("t", "e1\n5\n@12\n-")).getMessage());
    assertEquals("the name line of an event message is - or +<name>",
        assertThrows(IllegalArgumentException.class,
            () -> RedisMessage.decode("t", "e1\n5\nname\ndata")).getMessage());
    assertThrows(NumberFormatException.class, () -> RedisMessage.decode("t", "e1\nfive\n-\nd"));
    assertThrows(NumberFormatException.class,
        () -> RedisMessage.decode("t", "e1\n5\n@soon\n-\nd"));
  }
}
