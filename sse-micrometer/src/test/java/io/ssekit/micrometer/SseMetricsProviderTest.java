package io.ssekit.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ssekit.spi.Providers;
import io.ssekit.spi.Settings;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SseListener.PublishResult;
import io.ssekit.spi.SseListenerProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The provider {@code micrometer}: one {@link SseMetrics} in Micrometer's global registry, shaped
 * by the servlets' {@code listener.*} init-params. Each test class runs in a JVM of its own, so
 * the global instance here is this class's.
 */
class SseMetricsProviderTest {
  private static SseListener create(Map<String, String> initParams) {
    return Providers.create(SseListenerProvider.class, "micrometer",
        Settings.of(initParams).scope("listener"));
  }

  @Test
  void servletsConfiguredAlikeShareOneInstanceWhoseTopicTagTheirSettingsTurnedOn() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    Map<String, String> params = Map.of("listener.topicPrefixTag", "/",
        "listener.maxTopicTagValues", "2");

    SseListener first = create(params);
    SseListener second = create(params);
    first.published("news/eu", PublishResult.OK, 1_000);
    first.published("sport/f1", PublishResult.OK, 1_000);
    first.published("weather/eu", PublishResult.OK, 1_000);

    assertTrue(first instanceof SseMetrics, first.toString());
    assertSame(first, second);
    for (String prefix : new String[] {"news", "sport", SseMetrics.OTHER_TOPICS}) {
      assertEquals(1, registry.get(SseMetrics.EVENTS_PUBLISHED).tag("result", "ok")
          .tag(SseMetrics.TOPIC_PREFIX_TAG, prefix).counter().count(), prefix);
    }

    IllegalArgumentException otherCap = assertThrows(IllegalArgumentException.class,
        () -> create(Map.of("listener.topicPrefixTag", "/")));
    assertTrue(otherCap.getMessage().startsWith("listener.maxTopicTagValues differs from that of"
        + " the servlet that first reported to Micrometer's global registry"),
        otherCap.getMessage());
    IllegalArgumentException noTag = assertThrows(IllegalArgumentException.class,
        () -> create(Map.of()));
    assertTrue(noTag.getMessage().startsWith("listener.topicPrefixTag differs"),
        noTag.getMessage());
  }

  @Test
  void badSettingsAreRefusedByName() {
    assertEquals("listener.topicPrefixTag must be one character, was '::'",
        assertThrows(IllegalArgumentException.class,
            () -> create(Map.of("listener.topicPrefixTag", "::"))).getMessage());
    assertEquals("listener.maxTopicTagValues is set, but there is no topic tag to cap: set"
            + " listener.topicPrefixTag too",
        assertThrows(IllegalArgumentException.class,
            () -> create(Map.of("listener.maxTopicTagValues", "5"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
            () -> create(Map.of("listener.topicPrefixTag", "/",
                "listener.maxTopicTagValues", "0"))).getMessage()
        .contains("listener.maxTopicTagValues"));
  }
}
