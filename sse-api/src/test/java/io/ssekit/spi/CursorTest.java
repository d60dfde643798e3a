package io.ssekit.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CursorTest {
  @Test
  void newEpochsAreValidAndDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String epoch = Cursor.newEpoch();
      assertTrue(Cursor.isValidEpoch(epoch), epoch);
      assertEquals(10, epoch.length());
      assertTrue(seen.add(epoch), "repeated " + epoch);
    }
  }

  @Test
  void aCursorRoundTripsThroughItsText() {
    Cursor one = Cursor.of("k3x9", "news", 41);
    assertEquals("k3x9;news=41", one.text());
    assertEquals(Optional.of(one), Cursor.parse(one.text()));

    Cursor several = Cursor.of("E1", Map.of("user:7", 3L, "news/sport", 0L, "a", Long.MAX_VALUE));
    assertEquals("E1;a=9223372036854775807,news/sport=0,user:7=3", several.text());
    assertEquals(Optional.of(several), Cursor.parse(several.text()));
  }

  @Test
  void parseNeverThrowsAndRefusesWhatIsNotACursor() {
    String[] bad = {null, "", "garbage", ";t=1", "ep", "ep;", "ep;t", "ep;t=", "ep;=1",
        "e p;t=1", "ep!;t=1", "x".repeat(33) + ";t=1", "ep;t=1,", "ep;t=1,,u=2", "ep;t=1,t=2",
        "ep;t t=1", "ep;t=-1", "ep;t=01", "ep;t=1a", "ep;t=9223372036854775808",
        "ep;t=99999999999999999999", "ep;t=1=2", "ep;\u00e9=1", "\u00e9p;t=1", "ep;t=1\0"};
    for (String text : bad) {
      if (!"ep;".equals(text)) {
        assertEquals(Optional.empty(), Cursor.parse(text), "for " + text);
      }
    }
  }

  @Test
  void aCursorWithoutTopicsIsOnlyAnEpoch() {
    assertEquals(Optional.of(new Cursor("ep", new TreeMap<>())), Cursor.parse("ep;"));
  }

  @Test
  void everyTruncationOfACursorParsesOrIsRefusedButNeverThrows() {
    String text = Cursor.of("epoch1", Map.of("alpha", 12L, "beta/x", 345L, "gamma", 6789L)).text();
    for (int i = 0; i <= text.length(); i++) {
      Optional<Cursor> parsed = Cursor.parse(text.substring(0, i));
      parsed.ifPresent(c -> assertTrue(Cursor.isValidEpoch(c.epoch())));
    }
  }

  @Test
  void anOversizedCursorIsRefused() {
    StringBuilder many = new StringBuilder("ep;");
    for (int i = 0; i <= Cursor.MAX_TOPICS; i++) {
      many.append(i == 0 ? "" : ",").append("t").append(i).append("=1");
    }
    assertEquals(Optional.empty(), Cursor.parse(many.toString()), "33 topics");
    assertEquals(Optional.empty(), Cursor.parse("ep;t=1" + ",".repeat(Cursor.MAX_TEXT_LENGTH)));
  }

  @Test
  void aCursorOfAnotherEpochParsesForTheHistoryToJudge() {
    assertEquals("other", Cursor.parse("other;t=5").orElseThrow().epoch());
  }

  @Test
  void theConstructorNamesWhatIsWrong() {
    assertEquals("position must not be negative, was -1 for topic t",
        assertThrows(IllegalArgumentException.class, () -> Cursor.of("ep", "t", -1)).getMessage());
    assertEquals("epoch must be 1 to 32 ASCII letters and digits, was \"a;b\"",
        assertThrows(IllegalArgumentException.class, () -> Cursor.of("a;b", "t", 1)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cursor.of("ep", "a b", 1))
        .getMessage().startsWith("topic must be 1 to 128 characters"));
  }

  @Test
  void withAndPositionReadAndUpdateOneTopic() {
    Cursor cursor = Cursor.of("ep", "a", 1).with("b", 2).with("a", 3);
    assertEquals(3, cursor.position("a").getAsLong());
    assertEquals(2, cursor.position("b").getAsLong());
    assertTrue(cursor.position("c").isEmpty());
  }
}
