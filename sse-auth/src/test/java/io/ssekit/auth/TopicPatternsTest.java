package io.ssekit.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicPatternsTest {
  @Test
  void aStarAloneMatchesEveryTopic() {
    assertTrue(TopicPatterns.of(List.of("*")).allows("anything/at/all"));
  }

  @Test
  void aPrefixPatternMatchesTheTopicsUnderIt() {
    TopicPatterns news = TopicPatterns.of(List.of("news/*"));
    assertTrue(news.allows("news/sport"));
    assertTrue(news.allows("news/sport/live"));
    assertFalse(news.allows("news"));
    assertFalse(news.allows("newsletter"));
  }

  @Test
  void aPlainPatternMatchesItsTopicOnly() {
    TopicPatterns one = TopicPatterns.of(List.of("alerts", "news/*"));
    assertTrue(one.allows("alerts"));
    assertFalse(one.allows("alerts2"));
    assertFalse(TopicPatterns.NONE.allows("alerts"));
  }

  @Test
  void aStarInsideAPatternIsRefusedWithThePattern() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TopicPatterns.of(List.of("news/*/live")));
    assertTrue(e.getMessage().contains("news/*/live"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TopicPatterns.of(List.of("")));
  }
}
