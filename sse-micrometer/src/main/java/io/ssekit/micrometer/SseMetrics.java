package io.ssekit.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.ssekit.spi.SseListener;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * ssekit's meters: a Micrometer {@link MeterBinder} that is also the {@link SseListener} a hub and
 * its servlets report to.
 *
 * <pre>{@code
 * SseMetrics metrics = new SseMetrics();
 * metrics.bindTo(registry);                        // Spring Boot binds a MeterBinder bean itself
 * SseHub hub = SseHub.builder().listener(metrics)...build();
 * SseServlet servlet = SseServlet.builder().hub(hub).listener(metrics)...build();
 * }</pre>
 *
 * <p>The meters are the constants below, each with what it counts; names are dotted and
 * lowercase, in base units (seconds, bytes), as Micrometer's conventions want, and each
 * registry renders them its own way (Prometheus: {@code ssekit_delivery_lag_seconds_bucket}).
 * Every tagged counter is registered with all its tag values at once, so each appears at 0.
 *
 * <p><b>Topics.</b> There is no tag per topic by default: topics are unbounded, and so would the
 * series be. {@link Builder#topicPrefixTag} adds the tag {@value #TOPIC_PREFIX_TAG} to {@value
 * #EVENTS_PUBLISHED}, {@value #PUBLISH_DURATION} and {@value #EVENTS_DELIVERED}: the part of the
 * topic before a separator ({@code news} for {@code news/eu} with {@code '/'}), at most {@link
 * Builder#maxTopicTagValues} distinct values, each registered at its first event. The topics of
 * further values, those that start with the separator, and rejected publishes (whose topic may
 * be invalid) count under one more value, {@value #OTHER_TOPICS}, registered at once. The
 * {@value #DELIVERY_LAG} and socket meters have no such tag: a socket write carries the events of
 * every topic of its stream. With the tag, each delivery costs a map lookup more.
 *
 * <p>Reports that come before {@link #bindTo} are dropped. One instance binds to one registry;
 * to report to several, bind it to a {@code CompositeMeterRegistry}. Give one instance to the hub
 * and every servlet of a registry: a second one bound to it would share its counters but not its
 * gauges. The gauges read the servlets
 * attached at the moment of the scrape; the counters cost an addition each, the timers a
 * histogram update.
 */
public final class SseMetrics implements SseListener, MeterBinder {
  /** Gauge: the streams open now on the servlets that report here. */
  public static final String STREAMS_OPEN = "ssekit.streams.open";

  /**
   * Counter: stream requests answered, tag {@code result}: {@code ok} (opened), {@code busy} (the
   * connection cap), {@code rate-limited} (over the connect rate), {@code shutdown}, {@code
   * limited} (a per-principal or per-address cap, under the refuse-new policy), {@code
   * unauthorized}, {@code forbidden}, {@code invalid} (a bad topic), {@code error}.
   */
  public static final String STREAMS_OPENED = "ssekit.streams.opened";

  /**
   * Counter: opened streams that ended, tag {@code reason}: {@code client-gone}, {@code
   * fell-behind} (the client read too slowly and its queue overflowed), {@code
   * credentials-expired}, {@code shutdown}, {@code max-lifetime}, {@code superseded} (its
   * principal or address opened one stream more than its cap allows), {@code ended} (the hub
   * ended it: its history could not answer, or it closed), {@code error}.
   */
  public static final String STREAMS_CLOSED = "ssekit.streams.closed";

  /** Gauge, bytes: queued in the streams' queues and not yet written to their sockets. */
  public static final String STREAMS_QUEUED = "ssekit.streams.queued";

  /**
   * Counter: streams that asked the history again for events a distributed fanout may have
   * missed (after its connection was cut).
   */
  public static final String STREAMS_CATCHUPS = "ssekit.streams.catchups";

  /**
   * Counter: publishes, tag {@code result}: {@code ok} (in the history and handed to the fanout),
   * {@code failed} (the history or the fanout failed), {@code rejected} (refused before it
   * started: invalid, too large, the hub closed).
   */
  public static final String EVENTS_PUBLISHED = "ssekit.events.published";

  /**
   * Timer: a publish, from the moment the hub accepted it until the fanout took it: the waits for
   * the writers' pace and for the topic's earlier publishes, the history's append and the
   * fanout's publish.
   */
  public static final String PUBLISH_DURATION = "ssekit.publish.duration";

  /** Counter: events queued to streams, one per event and stream, live or replayed. */
  public static final String EVENTS_DELIVERED = "ssekit.events.delivered";

  /**
   * Timer with a percentile histogram: from the moment this instance's hub accepted a publish
   * (for an event published on another instance: appended there, when the fanout says so as the
   * Redis fanout does, else received from the fanout) to the moment the
   * event's bytes were handed to a stream's socket. One sample per sampled write of live events to
   * a stream's socket (the servlet samples a stream's first and every fourth after), the lag of
   * the oldest event in it: every event of the write was as late or less, and a write of many
   * events costs one sample. The number to set a latency objective on.
   */
  public static final String DELIVERY_LAG = "ssekit.delivery.lag";

  /**
   * Counter: writes to streams' sockets; {@value #EVENTS_DELIVERED} divided by this is how many
   * events one write carries.
   */
  public static final String SOCKET_WRITES = "ssekit.socket.writes";

  /** Counter, bytes: written to streams' sockets (events, and the servlet's own frames). */
  public static final String SOCKET_WRITTEN = "ssekit.socket.written";

  /**
   * Counter: streams that came back with a {@code Last-Event-ID}, tag {@code result}: {@code
   * exact} (everything missed was replayed), {@code gap} (the history no longer had all of it),
   * {@code unknown-epoch} (the history lost what it held), {@code malformed-id}.
   */
  public static final String RESUMES = "ssekit.resumes";

  /** Distribution summary, events: how many events the history replayed for each resume. */
  public static final String RESUMES_REPLAYED = "ssekit.resumes.replayed";

  /**
   * Counter: failed operations of the history, tag {@code operation}: {@code append}, {@code
   * replay}.
   */
  public static final String HISTORY_ERRORS = "ssekit.history.errors";

  /**
   * Counter: failed operations of the fanout, tag {@code operation}: {@code publish}, {@code
   * subscribe}, {@code unsubscribe}.
   */
  public static final String FANOUT_ERRORS = "ssekit.fanout.errors";

  /** Counter: requests refused for their credentials, tag {@code status} ({@code 401}, {@code 403}...). */
  public static final String AUTH_REFUSALS = "ssekit.auth.refusals";

  /**
   * Counter: stream tickets, tag {@code result}: {@code issued}, {@code refused} (a request for
   * one refused), {@code redeemed} (a stream request granted for one; a ticket refused at
   * redemption counts in {@value #AUTH_REFUSALS}).
   */
  public static final String TICKETS = "ssekit.tickets";

  /**
   * The tag {@link Builder#topicPrefixTag} adds to the meters of events: the part of the topic
   * before the separator.
   */
  public static final String TOPIC_PREFIX_TAG = "topic.prefix";

  /** The value of {@value #TOPIC_PREFIX_TAG} for the topics beyond the cap on distinct values. */
  public static final String OTHER_TOPICS = "other";

  /** Topics whose tag value is remembered, so that the usual ones cost a lookup and no copy. */
  private static final int REMEMBERED_TOPICS = 10_000;

  private final Tags tags;
  private final char topicSeparator;
  private final int maxTopicTagValues;
  private final List<Source> sources = new CopyOnWriteArrayList<>();
  private volatile Meters meters;

  /** Meters without common tags. */
  public SseMetrics() {
    this(Tags.empty());
  }

  /** Meters with {@code tags} on each (for example the servlet's name, where there are several). */
  public SseMetrics(Iterable<Tag> tags) {
    this(builder().tags(tags));
  }

  private SseMetrics(Builder builder) {
    this.tags = builder.tags;
    this.topicSeparator = builder.topicSeparator;
    this.maxTopicTagValues = builder.maxTopicTagValues;
  }

  /** A builder of meters without common tags or topic tag. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers the meters with {@code registry}.
   *
   * @throws IllegalStateException when bound already
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    if (meters != null) {
      throw new IllegalStateException("SseMetrics is bound to a registry already; bind it to a"
          + " CompositeMeterRegistry to report to several");
    }
    meters = new Meters(registry, tags, sources, topicSeparator == NO_SEPARATOR ? null
        : new TopicValues(registry, tags, topicSeparator, maxTopicTagValues));
  }

  /** Counts under the topic tag {@value #OTHER_TOPICS}, when there is one. */
  @Override
  public void published(PublishResult result, long nanos) {
    published(null, result, nanos);
  }

  @Override
  public void published(String topic, PublishResult result, long nanos) {
    Meters m = meters;
    if (m != null) {
      // A rejected publish's topic may be invalid: it takes no value of the topic tag.
      EventMeters events = m.events(result == PublishResult.REJECTED ? null : topic);
      events.published[result.ordinal()].increment();
      if (result != PublishResult.REJECTED) {
        events.duration.record(nanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  /** Counts under the topic tag {@value #OTHER_TOPICS}, when there is one. */
  @Override
  public void delivered() {
    delivered(null);
  }

  @Override
  public void delivered(String topic) {
    Meters m = meters;
    if (m != null) {
      m.events(topic).delivered.increment();
    }
  }

  @Override
  public void resumed(ResumeResult result, int replayed) {
    Meters m = meters;
    if (m != null) {
      m.resumes[result.ordinal()].increment();
      m.replayed.record(replayed);
    }
  }

  @Override
  public void catchingUp() {
    Meters m = meters;
    if (m != null) {
      m.catchUps.increment();
    }
  }

  @Override
  public void failed(Operation operation) {
    Meters m = meters;
    if (m != null) {
      m.errors[operation.ordinal()].increment();
    }
  }

  @Override
  public void streamOpened(OpenResult result) {
    Meters m = meters;
    if (m != null) {
      m.opened[result.ordinal()].increment();
    }
  }

  @Override
  public void streamClosed(CloseReason reason) {
    Meters m = meters;
    if (m != null) {
      m.closed[reason.ordinal()].increment();
    }
  }

  @Override
  public void written(int bytes) {
    Meters m = meters;
    if (m != null) {
      m.writes.increment();
      m.written.increment(bytes);
    }
  }

  @Override
  public void sent(long lagNanos) {
    Meters m = meters;
    if (m != null) {
      m.lag.record(lagNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void authRefused(int status) {
    Meters m = meters;
    if (m != null) {
      m.refusals.computeIfAbsent(status, s -> Counter.builder(AUTH_REFUSALS)
          .description("requests refused for their credentials").tags(tags)
          .tag("status", Integer.toString(s)).register(m.registry)).increment();
    }
  }

  @Override
  public void ticket(boolean issued) {
    Meters m = meters;
    if (m != null) {
      (issued ? m.ticketsIssued : m.ticketsRefused).increment();
    }
  }

  @Override
  public void ticketRedeemed() {
    Meters m = meters;
    if (m != null) {
      m.ticketsRedeemed.increment();
    }
  }

  @Override
  public void attach(Source source) {
    sources.add(Objects.requireNonNull(source, "source"));
  }

  @Override
  public void detach(Source source) {
    sources.remove(source);
  }

  @Override
  public String toString() {
    return "SseMetrics" + tags + (topicSeparator == NO_SEPARATOR ? ""
        : "[topicPrefixTag='" + topicSeparator + "', maxTopicTagValues=" + maxTopicTagValues
            + "]");
  }

  private static final char NO_SEPARATOR = '\uFFFF';

  /**
   * Configures an {@link SseMetrics}. By default: no common tags, no topic tag, and at most 100
   * values of the topic tag once one is set.
   */
  public static final class Builder {
    private Tags tags = Tags.empty();
    private char topicSeparator = NO_SEPARATOR;
    private int maxTopicTagValues = 100;
    private boolean maxTopicTagValuesSet;

    private Builder() {}

    /** Tags on every meter (for example the servlet's name, where there are several). */
    public Builder tags(Iterable<Tag> value) {
      this.tags = Tags.of(Objects.requireNonNull(value, "tags"));
      return this;
    }

    /**
     * Tags the meters of events with {@value SseMetrics#TOPIC_PREFIX_TAG}: the topic up to the
     * first {@code separator} (the whole topic when it has none; a topic that starts with it
     * counts as {@value SseMetrics#OTHER_TOPICS}). Choose a separator that cuts topics into few
     * groups: each value is a series of each meter tagged. Off by default.
     *
     * @throws IllegalArgumentException for a separator that cannot be in a topic
     */
    public Builder topicPrefixTag(char separator) {
      if (separator == NO_SEPARATOR || Character.isISOControl(separator)
          || Character.isWhitespace(separator)) {
        throw new IllegalArgumentException("topicPrefixTag must be a character a topic can hold,"
            + " was U+" + String.format("%04X", (int) separator));
      }
      this.topicSeparator = separator;
      return this;
    }

    /**
     * The most distinct values of the topic tag; the topics of further values count as {@value
     * SseMetrics#OTHER_TOPICS}. Default 100.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder maxTopicTagValues(int value) {
      if (value <= 0) {
        throw new IllegalArgumentException("maxTopicTagValues must be positive, was " + value);
      }
      this.maxTopicTagValues = value;
      this.maxTopicTagValuesSet = true;
      return this;
    }

    /**
     * The meters, to bind to a registry.
     *
     * @throws IllegalStateException when {@code maxTopicTagValues} is set without a topic tag
     */
    public SseMetrics build() {
      if (maxTopicTagValuesSet && topicSeparator == NO_SEPARATOR) {
        throw new IllegalStateException("maxTopicTagValues is set, but there is no topic tag to"
            + " cap: set topicPrefixTag too");
      }
      return new SseMetrics(this);
    }
  }

  /** The meters of events, of one value of the topic tag or of all topics. */
  private static final class EventMeters {
    final Counter[] published;
    final Timer duration;
    final Counter delivered;

    EventMeters(MeterRegistry registry, Tags tags) {
      published = Meters.counters(registry, EVENTS_PUBLISHED, "publishes", tags, "result",
          PublishResult.values(), PublishResult::tag);
      duration = Timer.builder(PUBLISH_DURATION)
          .description("from a publish accepted to the fanout's taking it").tags(tags)
          .register(registry);
      delivered = Counter.builder(EVENTS_DELIVERED).description("events queued to streams")
          .tags(tags).register(registry);
    }
  }

  /** The values of the topic tag seen so far, at most {@code max}, and the meters of each. */
  private static final class TopicValues {
    final MeterRegistry registry;
    final Tags tags;
    final char separator;
    final int max;
    final EventMeters other;
    final ConcurrentHashMap<String, EventMeters> byValue = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, EventMeters> byTopic = new ConcurrentHashMap<>();

    TopicValues(MeterRegistry registry, Tags tags, char separator, int max) {
      this.registry = registry;
      this.tags = tags;
      this.separator = separator;
      this.max = max;
      this.other = new EventMeters(registry, tags.and(TOPIC_PREFIX_TAG, OTHER_TOPICS));
    }

    EventMeters of(String topic) {
      if (topic == null) {
        return other;
      }
      EventMeters known = byTopic.get(topic);
      if (known != null) {
        return known;
      }
      int end = topic.indexOf(separator);
      EventMeters events = end == 0 ? other : ofValue(end < 0 ? topic : topic.substring(0, end));
      if (byTopic.size() < REMEMBERED_TOPICS) {
        byTopic.putIfAbsent(topic, events);
      }
      return events;
    }

    private EventMeters ofValue(String value) {
      EventMeters events = byValue.get(value);
      if (events != null) {
        return events;
      }
      synchronized (byValue) {
        events = byValue.get(value);
        if (events == null) {
          if (byValue.size() >= max) {
            return other;
          }
          events = new EventMeters(registry, tags.and(TOPIC_PREFIX_TAG, value));
          byValue.put(value, events);
        }
        return events;
      }
    }
  }

  /** The meters of one registry. */
  private static final class Meters {
    final MeterRegistry registry;
    final Counter[] opened;
    final Counter[] closed;
    final EventMeters events;
    final TopicValues topics;
    final Timer lag;
    final Counter writes;
    final Counter written;
    final Counter[] resumes;
    final DistributionSummary replayed;
    final Counter catchUps;
    final Counter[] errors;
    final ConcurrentHashMap<Integer, Counter> refusals = new ConcurrentHashMap<>();
    final Counter ticketsIssued;
    final Counter ticketsRefused;
    final Counter ticketsRedeemed;

    Meters(MeterRegistry registry, Tags tags, List<Source> sources, TopicValues topics) {
      this.registry = registry;
      this.topics = topics;
      this.events = topics == null ? new EventMeters(registry, tags) : null;
      Gauge.builder(STREAMS_OPEN, sources, all -> sum(all, Source::openStreams))
          .description("streams open now").tags(tags).strongReference(true).register(registry);
      Gauge.builder(STREAMS_QUEUED, sources, all -> sum(all, Source::queuedBytes))
          .description("bytes queued in streams, not yet written to their sockets")
          .baseUnit("bytes").tags(tags).strongReference(true).register(registry);
      opened = counters(registry, STREAMS_OPENED, "stream requests answered", tags, "result",
          OpenResult.values(), OpenResult::tag);
      closed = counters(registry, STREAMS_CLOSED, "opened streams that ended", tags, "reason",
          CloseReason.values(), CloseReason::tag);
      lag = Timer.builder(DELIVERY_LAG)
          .description("from a publish accepted to its bytes handed to a stream's socket,"
              + " the oldest event of each write")
          .tags(tags).publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
          .register(registry);
      writes = Counter.builder(SOCKET_WRITES).description("writes to streams' sockets")
          .tags(tags).register(registry);
      written = Counter.builder(SOCKET_WRITTEN).description("bytes written to streams' sockets")
          .baseUnit("bytes").tags(tags).register(registry);
      resumes = counters(registry, RESUMES, "streams that came back with a Last-Event-ID", tags,
          "result", ResumeResult.values(), ResumeResult::tag);
      replayed = DistributionSummary.builder(RESUMES_REPLAYED)
          .description("events replayed for a resume").baseUnit("events").tags(tags)
          .register(registry);
      catchUps = Counter.builder(STREAMS_CATCHUPS)
          .description("streams that asked the history for events the fanout may have missed")
          .tags(tags).register(registry);
      Operation[] operations = Operation.values();
      errors = new Counter[operations.length];
      for (Operation operation : operations) {
        errors[operation.ordinal()] = Counter.builder(operation.component().equals("history")
                ? HISTORY_ERRORS : FANOUT_ERRORS)
            .description("failed operations of the " + operation.component()).tags(tags)
            .tag("operation", operation.operation()).register(registry);
      }
      ticketsIssued = ticketCounter(registry, tags, "issued");
      ticketsRefused = ticketCounter(registry, tags, "refused");
      ticketsRedeemed = ticketCounter(registry, tags, "redeemed");
    }

    /** The meters of events of {@code topic} ({@code null}: of no known topic). */
    EventMeters events(String topic) {
      return topics == null ? events : topics.of(topic);
    }

    private static Counter ticketCounter(MeterRegistry registry, Tags tags, String result) {
      return Counter.builder(TICKETS).description("stream tickets").tags(tags)
          .tag("result", result).register(registry);
    }

    static <E extends Enum<E>> Counter[] counters(MeterRegistry registry, String name,
        String description, Tags tags, String key, E[] values, Function<E, String> tag) {
      Counter[] counters = new Counter[values.length];
      for (E value : values) {
        counters[value.ordinal()] = Counter.builder(name).description(description).tags(tags)
            .tag(key, tag.apply(value)).register(registry);
      }
      return counters;
    }

    private static double sum(List<Source> sources, ToLongFunction<Source> value) {
      long total = 0;
      for (Source source : sources) {
        total += value.applyAsLong(source);
      }
      return total;
    }
  }
}
