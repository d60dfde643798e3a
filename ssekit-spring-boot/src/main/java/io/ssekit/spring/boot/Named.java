package io.ssekit.spring.boot;

import java.util.function.Supplier;

/** Puts the name of the {@code ssekit.*} property in front of a builder's complaint about it. */
final class Named {
  private Named() {}

  /**
   * {@code step}'s result.
   *
   * @throws IllegalArgumentException from {@code step}, its message prefixed with {@code property}
   */
  static <T> T check(String property, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
    }
  }
}
