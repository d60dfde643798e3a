package io.ssekit.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ssekit.spi.Providers;
import io.ssekit.spi.Settings;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SseListener.CloseReason;
import io.ssekit.spi.SseListener.OpenResult;
import io.ssekit.spi.SseListener.Operation;
import io.ssekit.spi.SseListener.PublishResult;
import io.ssekit.spi.SseListener.ResumeResult;
import io.ssekit.spi.SseListenerProvider;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meters {@link SseMetrics} registers, and what each report does to them. */
class SseMetricsTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final SseMetrics metrics = new SseMetrics(Tags.of("servlet", "events"));

  private double counter(String name, String key, String value) {
    return registry.get(name).tag(key, value).counter().count();
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void everyMeterAndTagValueIsThereAtZeroOnceBound() {
    metrics.bindTo(registry);

    Set<String> names = new TreeSet<>();
    for (Meter meter : registry.getMeters()) {
      names.add(meter.getId().getName());
      assertEquals("events", meter.getId().getTag("servlet"), meter.getId().toString());
    }
    assertEquals(new TreeSet<>(Set.of(SseMetrics.STREAMS_OPEN, SseMetrics.STREAMS_OPENED,
        SseMetrics.STREAMS_CLOSED, SseMetrics.STREAMS_QUEUED, SseMetrics.STREAMS_CATCHUPS,
        SseMetrics.EVENTS_PUBLISHED, SseMetrics.PUBLISH_DURATION, SseMetrics.EVENTS_DELIVERED,
        SseMetrics.DELIVERY_LAG, SseMetrics.SOCKET_WRITES, SseMetrics.SOCKET_WRITTEN,
        SseMetrics.RESUMES, SseMetrics.RESUMES_REPLAYED, SseMetrics.HISTORY_ERRORS,
        SseMetrics.FANOUT_ERRORS, SseMetrics.TICKETS)), names);
    for (String result : new String[] {"ok", "busy", "rate-limited", "shutdown", "limited",
        "unauthorized", "forbidden", "invalid", "error"}) {
      assertEquals(0, counter(SseMetrics.STREAMS_OPENED, "result", result));
    }
    for (String reason : new String[] {"client-gone", "fell-behind", "credentials-expired",
        "shutdown", "max-lifetime", "superseded", "ended", "error"}) {
      assertEquals(0, counter(SseMetrics.STREAMS_CLOSED, "reason", reason));
    }
    for (String result : new String[] {"exact", "gap", "unknown-epoch", "malformed-id"}) {
      assertEquals(0, counter(SseMetrics.RESUMES, "result", result));
    }
    assertEquals(0, counter(SseMetrics.HISTORY_ERRORS, "operation", "append"));
    assertEquals(0, counter(SseMetrics.FANOUT_ERRORS, "operation", "unsubscribe"));
    for (String result : new String[] {"issued", "refused", "redeemed"}) {
      assertEquals(0, counter(SseMetrics.TICKETS, "result", result));
    }
    assertEquals("bytes", registry.get(SseMetrics.SOCKET_WRITTEN).counter().getId().getBaseUnit());
    assertEquals("bytes", registry.get(SseMetrics.STREAMS_QUEUED).gauge().getId().getBaseUnit());
  }

  @Test
  void eachReportMovesItsMeter() {
    metrics.bindTo(registry);

    metrics.streamOpened(OpenResult.OK);
    metrics.streamOpened(OpenResult.OK);
    metrics.streamOpened(OpenResult.BUSY);
    metrics.streamOpened(OpenResult.RATE_LIMITED);
    metrics.streamClosed(CloseReason.FELL_BEHIND);
    metrics.published(PublishResult.OK, TimeUnit.MILLISECONDS.toNanos(3));
    metrics.published(PublishResult.FAILED, TimeUnit.MILLISECONDS.toNanos(5));
    metrics.published(PublishResult.REJECTED, 0);
    metrics.delivered();
    metrics.delivered();
    metrics.delivered();
    metrics.written(100);
    metrics.written(23);
    metrics.resumed(ResumeResult.GAP, 7);
    metrics.resumed(ResumeResult.EXACT, 3);
    metrics.catchingUp();
    metrics.failed(Operation.HISTORY_REPLAY);
    metrics.failed(Operation.FANOUT_SUBSCRIBE);
    metrics.authRefused(401);
    metrics.authRefused(401);
    metrics.authRefused(403);
    metrics.ticket(true);
    metrics.ticket(false);
    metrics.ticketRedeemed();
    metrics.ticketRedeemed();

    assertEquals(2, counter(SseMetrics.STREAMS_OPENED, "result", "ok"));
    assertEquals(1, counter(SseMetrics.STREAMS_OPENED, "result", "busy"));
    assertEquals(1, counter(SseMetrics.STREAMS_OPENED, "result", "rate-limited"));
    assertEquals(1, counter(SseMetrics.STREAMS_CLOSED, "reason", "fell-behind"));
    assertEquals(1, counter(SseMetrics.EVENTS_PUBLISHED, "result", "ok"));
    assertEquals(1, counter(SseMetrics.EVENTS_PUBLISHED, "result", "failed"));
    assertEquals(1, counter(SseMetrics.EVENTS_PUBLISHED, "result", "rejected"));
    Timer duration = registry.get(SseMetrics.PUBLISH_DURATION).timer();
    assertEquals(2, duration.count(), "a rejected publish has no duration");
    assertEquals(8, duration.totalTime(TimeUnit.MILLISECONDS), 0.001);
    assertEquals(3, counter(SseMetrics.EVENTS_DELIVERED));
    assertEquals(2, counter(SseMetrics.SOCKET_WRITES));
    assertEquals(123, counter(SseMetrics.SOCKET_WRITTEN));
    assertEquals(1, counter(SseMetrics.RESUMES, "result", "gap"));
    assertEquals(1, counter(SseMetrics.RESUMES, "result", "exact"));
    assertEquals(10, registry.get(SseMetrics.RESUMES_REPLAYED).summary().totalAmount());
    assertEquals(1, counter(SseMetrics.STREAMS_CATCHUPS));
    assertEquals(1, counter(SseMetrics.HISTORY_ERRORS, "operation", "replay"));
    assertEquals(0, counter(SseMetrics.HISTORY_ERRORS, "operation", "append"));
    assertEquals(1, counter(SseMetrics.FANOUT_ERRORS, "operation", "subscribe"));
    assertEquals(2, counter(SseMetrics.AUTH_REFUSALS, "status", "401"));
    assertEquals(1, counter(SseMetrics.AUTH_REFUSALS, "status", "403"));
    assertEquals(1, counter(SseMetrics.TICKETS, "result", "issued"));
    assertEquals(1, counter(SseMetrics.TICKETS, "result", "refused"));
    assertEquals(2, counter(SseMetrics.TICKETS, "result", "redeemed"));
  }

  @Test
  void thereIsNoTopicTagByDefault() {
    metrics.bindTo(registry);

    metrics.published("news/eu", PublishResult.OK, 1);
    metrics.delivered("news/eu");
    metrics.delivered("sport");

    for (Meter meter : registry.getMeters()) {
      assertNull(meter.getId().getTag(SseMetrics.TOPIC_PREFIX_TAG), meter.getId().toString());
    }
    assertEquals(1, counter(SseMetrics.EVENTS_PUBLISHED, "result", "ok"));
    assertEquals(2, counter(SseMetrics.EVENTS_DELIVERED));
  }

  @Test
  void theTopicTagIsThePartBeforeTheSeparatorOnTheMetersOfEvents() {
    SseMetrics byPrefix = SseMetrics.builder().tags(Tags.of("servlet", "events"))
        .topicPrefixTag('/').build();
    byPrefix.bindTo(registry);
    assertEquals(0, topicCounter(SseMetrics.EVENTS_DELIVERED, "other"), "at zero once bound");

    byPrefix.published("news/eu", PublishResult.OK, TimeUnit.MILLISECONDS.toNanos(2));
    byPrefix.published("news/us", PublishResult.OK, TimeUnit.MILLISECONDS.toNanos(3));
    byPrefix.published("bad topic", PublishResult.REJECTED, 0);
    byPrefix.published(null, PublishResult.REJECTED, 0);
    byPrefix.delivered("news/eu");
    byPrefix.delivered("news/eu");
    byPrefix.delivered("news/us/today");
    byPrefix.delivered("sport");
    byPrefix.delivered("/leading");
    byPrefix.delivered();
    byPrefix.sent(1);

    assertEquals(2, registry.get(SseMetrics.EVENTS_PUBLISHED).tag("result", "ok")
        .tag(SseMetrics.TOPIC_PREFIX_TAG, "news").counter().count());
    assertEquals(2, registry.get(SseMetrics.EVENTS_PUBLISHED).tag("result", "rejected")
        .tag(SseMetrics.TOPIC_PREFIX_TAG, "other").counter().count(),
        "a rejected publish's topic may be invalid: it takes no value");
    assertEquals(0, registry.find(SseMetrics.EVENTS_PUBLISHED)
        .tag(SseMetrics.TOPIC_PREFIX_TAG, "bad topic").counters().size());
    Timer news = registry.get(SseMetrics.PUBLISH_DURATION)
        .tag(SseMetrics.TOPIC_PREFIX_TAG, "news").timer();
    assertEquals(5, news.totalTime(TimeUnit.MILLISECONDS), 0.001);
    assertEquals(3, topicCounter(SseMetrics.EVENTS_DELIVERED, "news"));
    assertEquals(1, topicCounter(SseMetrics.EVENTS_DELIVERED, "sport"), "no separator: all");
    assertEquals(2, topicCounter(SseMetrics.EVENTS_DELIVERED, "other"),
        "a topic that starts with the separator, and a delivery of no known topic");
    for (Meter meter : registry.get(SseMetrics.EVENTS_DELIVERED).meters()) {
      assertEquals("events", meter.getId().getTag("servlet"), meter.getId().toString());
      assertNotNull(meter.getId().getTag(SseMetrics.TOPIC_PREFIX_TAG), meter.getId().toString());
    }
    assertNull(registry.get(SseMetrics.DELIVERY_LAG).timer().getId()
        .getTag(SseMetrics.TOPIC_PREFIX_TAG), "a write carries the events of several topics");
    assertNull(registry.get(SseMetrics.SOCKET_WRITES).counter().getId()
        .getTag(SseMetrics.TOPIC_PREFIX_TAG));
  }

  @Test
  void topicsBeyondTheCapOnDistinctValuesCountAsOther() {
    SseMetrics capped = SseMetrics.builder().topicPrefixTag(':').maxTopicTagValues(3).build();
    capped.bindTo(registry);

    for (int i = 0; i < 10; i++) {
      capped.delivered("tenant" + i + ":orders");
      capped.delivered("tenant" + i + ":invoices");
    }
    capped.delivered("tenant0:orders");
    capped.published("tenant9:orders", PublishResult.OK, 1);

    Set<String> values = new TreeSet<>();
    for (Meter meter : registry.get(SseMetrics.EVENTS_DELIVERED).meters()) {
      values.add(meter.getId().getTag(SseMetrics.TOPIC_PREFIX_TAG));
    }
    assertEquals(Set.of("tenant0", "tenant1", "tenant2", "other"), values);
    assertEquals(3, topicCounter(SseMetrics.EVENTS_DELIVERED, "tenant0"));
    assertEquals(2, topicCounter(SseMetrics.EVENTS_DELIVERED, "tenant2"));
    assertEquals(14, topicCounter(SseMetrics.EVENTS_DELIVERED, "other"));
    assertEquals(1, registry.get(SseMetrics.EVENTS_PUBLISHED).tag("result", "ok")
        .tag(SseMetrics.TOPIC_PREFIX_TAG, "other").counter().count());
    assertEquals(4, registry.get(SseMetrics.PUBLISH_DURATION).timers().size());
  }

  @Test
  void theBuilderRefusesBadTopicTagSettings() {
    IllegalArgumentException cap = assertThrows(IllegalArgumentException.class,
        () -> SseMetrics.builder().maxTopicTagValues(0));
    assertEquals("maxTopicTagValues must be positive, was 0", cap.getMessage());
    IllegalArgumentException separator = assertThrows(IllegalArgumentException.class,
        () -> SseMetrics.builder().topicPrefixTag(' '));
    assertEquals("topicPrefixTag must be a character a topic can hold, was U+0020",
        separator.getMessage());
    IllegalStateException alone = assertThrows(IllegalStateException.class,
        () -> SseMetrics.builder().maxTopicTagValues(5).build());
    assertEquals("maxTopicTagValues is set, but there is no topic tag to cap: set"
        + " topicPrefixTag too", alone.getMessage());
  }

  private double topicCounter(String name, String value) {
    return registry.get(name).tag(SseMetrics.TOPIC_PREFIX_TAG, value).counter().count();
  }

  @Test
  void theDeliveryLagIsATimerOfEachEventSent() {
    metrics.bindTo(registry);

    metrics.sent(TimeUnit.MILLISECONDS.toNanos(2));
    metrics.sent(TimeUnit.MILLISECONDS.toNanos(40));

    Timer lag = registry.get(SseMetrics.DELIVERY_LAG).timer();
    assertEquals(2, lag.count());
    assertEquals(42, lag.totalTime(TimeUnit.MILLISECONDS), 0.001);
    assertEquals(40, lag.max(TimeUnit.MILLISECONDS), 0.001);
  }

  @Test
  void theGaugesAddUpTheAttachedServletsAndForgetDetachedOnes() {
    metrics.bindTo(registry);
    SseListener.Source one = source(3, 100);
    SseListener.Source two = source(4, 20);
    metrics.attach(one);
    metrics.attach(two);

    assertEquals(7, registry.get(SseMetrics.STREAMS_OPEN).gauge().value());
    assertEquals(120, registry.get(SseMetrics.STREAMS_QUEUED).gauge().value());

    metrics.detach(one);
    assertEquals(4, registry.get(SseMetrics.STREAMS_OPEN).gauge().value());
  }

  private static SseListener.Source source(int open, long queued) {
    return new SseListener.Source() {
      @Override
      public int openStreams() {
        return open;
      }

      @Override
      public long queuedBytes() {
        return queued;
      }
    };
  }

  @Test
  void reportsBeforeBindingAreDroppedAndASecondBindingIsRefused() {
    metrics.delivered();
    metrics.bindTo(registry);
    assertEquals(0, counter(SseMetrics.EVENTS_DELIVERED));

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> metrics.bindTo(new SimpleMeterRegistry()));
    assertEquals("SseMetrics is bound to a registry already; bind it to a"
        + " CompositeMeterRegistry to report to several", e.getMessage());
  }
}
