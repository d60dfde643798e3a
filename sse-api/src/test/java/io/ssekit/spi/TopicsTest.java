package io.ssekit.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void topicNamesUseASmallSafeAlphabet() {
    assertTrue(Topics.isValid("news/sport:eu@v1-2_3.x"));
    assertTrue(Topics.isValid("a".repeat(128)));
    for (String bad : new String[] {null, "", "a".repeat(129), "a b", "a,b", "a=b", "a;b",
        "\u00e9", "a\nb"}) {
      assertFalse(Topics.isValid(bad), "for " + bad);
    }
    assertEquals("topic must be 1 to 128 characters of A-Z a-z 0-9 - _ . / : @, was \"a,b\"",
        assertThrows(IllegalArgumentException.class, () -> Topics.requireValid("a,b"))
            .getMessage());
  }

  @Test
  void aStreamsTopicSetIsSortedDeduplicatedAndBounded() {
    assertEquals(List.of("a", "b"), new ArrayList<>(Topics.requireValidSet(List.of("b", "a", "b"))));
    assertEquals("a stream needs at least one topic",
        assertThrows(IllegalArgumentException.class, () -> Topics.requireValidSet(List.of()))
            .getMessage());
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 33; i++) {
      many.add("t" + i);
    }
    assertEquals("a stream can carry at most 32 topics, was 33",
        assertThrows(IllegalArgumentException.class, () -> Topics.requireValidSet(many))
            .getMessage());
  }
}
