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
 * There is no tag per topic: topics are unbounded, and so would the series be.
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
   * connection cap), {@code shutdown}, {@code unauthorized}, {@code forbidden}, {@code invalid}
   * (a bad topic), {@code error}.
   */
  public static final String STREAMS_OPENED = "ssekit.streams.opened";

  /**
   * Counter: opened streams that ended, tag {@code reason}: {@code client-gone}, {@code
   * fell-behind} (the client read too slowly and its queue overflowed), {@code
   * credentials-expired}, {@code shutdown}, {@code max-lifetime}, {@code ended} (the hub ended it:
   * its history could not answer, or it closed), {@code error}.
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
   * (for an event published on another instance: received it from the fanout) to the moment the
   * event's bytes were handed to a stream's socket. One sample per write of live events to a
   * stream's socket, the lag of the oldest event in it: every event of the write was as late or
   * less, and a write of many events costs one sample. The number to set a latency objective on.
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

  private final Tags tags;
  private final List<Source> sources = new CopyOnWriteArrayList<>();
  private volatile Meters meters;

  /** Meters without common tags. */
  public SseMetrics() {
    this(Tags.empty());
  }

  /** Meters with {@code tags} on each (for example the servlet's name, where there are several). */
  public SseMetrics(Iterable<Tag> tags) {
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
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
    meters = new Meters(registry, tags, sources);
  }

  @Override
  public void published(PublishResult result, long nanos) {
    Meters m = meters;
    if (m != null) {
      m.published[result.ordinal()].increment();
      if (result != PublishResult.REJECTED) {
        m.publishDuration.record(nanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  @Override
  public void delivered() {
    Meters m = meters;
    if (m != null) {
      m.delivered.increment();
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
    return "SseMetrics" + tags;
  }

  /** The meters of one registry. */
  private static final class Meters {
    final MeterRegistry registry;
    final Counter[] opened;
    final Counter[] closed;
    final Counter[] published;
    final Timer publishDuration;
    final Counter delivered;
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

    Meters(MeterRegistry registry, Tags tags, List<Source> sources) {
      this.registry = registry;
      Gauge.builder(STREAMS_OPEN, sources, all -> sum(all, Source::openStreams))
          .description("streams open now").tags(tags).strongReference(true).register(registry);
      Gauge.builder(STREAMS_QUEUED, sources, all -> sum(all, Source::queuedBytes))
          .description("bytes queued in streams, not yet written to their sockets")
          .baseUnit("bytes").tags(tags).strongReference(true).register(registry);
      opened = counters(registry, STREAMS_OPENED, "stream requests answered", tags, "result",
          OpenResult.values(), OpenResult::tag);
      closed = counters(registry, STREAMS_CLOSED, "opened streams that ended", tags, "reason",
          CloseReason.values(), CloseReason::tag);
      published = counters(registry, EVENTS_PUBLISHED, "publishes", tags, "result",
          PublishResult.values(), PublishResult::tag);
      publishDuration = Timer.builder(PUBLISH_DURATION)
          .description("from a publish accepted to the fanout's taking it").tags(tags)
          .register(registry);
      delivered = Counter.builder(EVENTS_DELIVERED).description("events queued to streams")
          .tags(tags).register(registry);
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

    private static Counter ticketCounter(MeterRegistry registry, Tags tags, String result) {
      return Counter.builder(TICKETS).description("stream tickets").tags(tags)
          .tag("result", result).register(registry);
    }

    private static <E extends Enum<E>> Counter[] counters(MeterRegistry registry, String name,
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
