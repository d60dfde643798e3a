package io.ssekit.micrometer;

import io.micrometer.core.instrument.Metrics;
import io.ssekit.spi.Settings;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SseListenerProvider;
import java.util.Optional;

/**
 * {@code micrometer}: the {@link SseMetrics} of Micrometer's global registry ({@link
 * Metrics#globalRegistry}), for servlets configured by init-params ({@code listener=micrometer}).
 * Every servlet configured so reports to the same instance, so the meters add up their streams.
 *
 * <p>Settings (init-params {@code listener.*}), those of {@link SseMetrics.Builder}:
 * {@code topicPrefixTag}, one character that turns the topic-prefix tag on (unset: no topic
 * tag), and {@code maxTopicTagValues} (default 100). The one instance is made with the settings
 * of the first servlet that asks for it; a later servlet that sets them otherwise fails at
 * {@code init}, since the meters it would report to are not the ones it asked for.
 */
public final class SseMetricsProvider implements SseListenerProvider {
  private static SseMetrics global;
  private static Shape globalShape;

  /** The provider {@link java.util.ServiceLoader} instantiates. */
  public SseMetricsProvider() {}

  @Override
  public String name() {
    return "micrometer";
  }

  /**
   * The global instance.
   *
   * @throws IllegalArgumentException for a setting that is invalid, or that differs from the
   *     one the global instance was made with
   */
  @Override
  public SseListener create(Settings settings) {
    return global(Shape.of(settings), settings);
  }

  private static synchronized SseMetrics global(Shape shape, Settings settings) {
    if (global == null) {
      global = shape.builder().build();
      global.bindTo(Metrics.globalRegistry);
      globalShape = shape;
    } else if (!globalShape.equals(shape)) {
      String setting = globalShape.separator().equals(shape.separator())
          ? settings.fullName("maxTopicTagValues") : settings.fullName("topicPrefixTag");
      throw new IllegalArgumentException(setting + " differs from that of the servlet that"
          + " first reported to Micrometer's global registry (" + globalShape + " there, "
          + shape + " here); the meters of one registry have one shape: give every servlet the"
          + " same " + settings.fullName("") + "* settings");
    }
    return global;
  }

  /** The settings that shape the meters. */
  private record Shape(Optional<Character> separator, Optional<Integer> maxTopicTagValues) {
    static Shape of(Settings settings) {
      Optional<Character> separator = settings.string("topicPrefixTag").map(value -> {
        if (value.length() != 1) {
          throw new IllegalArgumentException(settings.fullName("topicPrefixTag") + " must be one"
              + " character, was '" + value + "'");
        }
        try {
          SseMetrics.builder().topicPrefixTag(value.charAt(0));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(settings.fullName(e.getMessage()), e);
        }
        return value.charAt(0);
      });
      Optional<Integer> max = settings.string("maxTopicTagValues").isPresent()
          ? Optional.of(settings.positiveInt("maxTopicTagValues", 100)) : Optional.empty();
      if (max.isPresent() && separator.isEmpty()) {
        throw new IllegalArgumentException(settings.fullName("maxTopicTagValues") + " is set,"
            + " but there is no topic tag to cap: set " + settings.fullName("topicPrefixTag")
            + " too");
      }
      return new Shape(separator, max);
    }

    SseMetrics.Builder builder() {
      SseMetrics.Builder builder = SseMetrics.builder();
      separator.ifPresent(builder::topicPrefixTag);
      maxTopicTagValues.ifPresent(builder::maxTopicTagValues);
      return builder;
    }

    @Override
    public String toString() {
      return separator.map(c -> "topicPrefixTag='" + c + "', maxTopicTagValues="
          + maxTopicTagValues.orElse(100)).orElse("no topic tag");
    }
  }
}
