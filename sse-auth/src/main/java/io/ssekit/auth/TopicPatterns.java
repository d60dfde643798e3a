package io.ssekit.auth;

import java.util.List;
import java.util.Objects;

/**
 * The topics a token allows, as patterns: {@code *} matches every topic, {@code news/*} every
 * topic that starts with {@code news/}, and any other pattern the one topic of that name.
 * Immutable.
 */
public final class TopicPatterns {
  /** Allows no topic. */
  public static final TopicPatterns NONE = new TopicPatterns(List.of());

  private final List<String> patterns;

  private TopicPatterns(List<String> patterns) {
    this.patterns = patterns;
  }

  /**
   * The patterns given.
   *
   * @throws IllegalArgumentException naming a pattern with {@code *} anywhere but at its end, or
   *     an empty one
   */
  public static TopicPatterns of(List<String> patterns) {
    for (String pattern : patterns) {
      Objects.requireNonNull(pattern, "pattern");
      int star = pattern.indexOf('*');
      if (pattern.isEmpty() || star >= 0 && star != pattern.length() - 1) {
        throw new IllegalArgumentException("not a topic pattern: \"" + pattern
            + "\" (a topic, \"*\", or a prefix ending in \"*\" such as \"news/*\")");
      }
    }
    return new TopicPatterns(List.copyOf(patterns));
  }

  /** Whether {@code topic} matches one of the patterns. */
  public boolean allows(String topic) {
    for (String pattern : patterns) {
      if (pattern.endsWith("*")
          ? topic.startsWith(pattern.substring(0, pattern.length() - 1))
          : topic.equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  public List<String> patterns() {
    return patterns;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicPatterns other && patterns.equals(other.patterns);
  }

  @Override
  public int hashCode() {
    return patterns.hashCode();
  }

  @Override
  public String toString() {
    return patterns.toString();
  }
}
