package io.ssekit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The clients of the {@code storm} scenario, on one thread with one selector: {@code n} streams
 * of one topic ({@value #STORM_TOPIC} for the measured storm) that each keep their last event id as a browser does, and
 * one probe stream of the topic {@value #PROBE_TOPIC} that records the delivery latency of the
 * probe's events ({@code {"t":<nanoTime>}}).
 *
 * <p>The caller {@linkplain #cut cuts} every storm stream at once (a reset, as when a load
 * balancer or a network drops them), publishes while they are away, and {@linkplain #reconnect
 * reconnects} them all, spread over a given time, each with its {@code Last-Event-ID}. A stream
 * then behaves as a browser's {@code EventSource}: an {@code sse-busy} or {@code
 * server-shutdown} event, a {@code 503} (after its {@code Retry-After}), any other refusal, a
 * stream the server ends, or a connection that fails, brings it back after the last
 * {@code retry:} hint it got (3 s without one). It counts the events named {@value
 * #STORM_EVENT} by the number in their data, 1 to {@code events}: each once (a second time is a
 * duplicate), and the moment it has had them all.
 *
 * <p>Thread-safety: the counters are read from any thread; the commands are run on the
 * selector's thread.
 */
final class StormClient implements AutoCloseable {
  static final String STORM_TOPIC = "storm";
  static final String PROBE_TOPIC = "probe";
  static final String STORM_EVENT = "storm";
  /** A browser's reconnection time when the server sent no {@code retry:}. */
  static final long DEFAULT_RETRY_MILLIS = 3000;
  private static final int MAX_PENDING_CONNECTS = 512;
  /** Source addresses a stream goes through in turn, so that reconnects find free ports. */
  static final int SOURCE_NETS = 8;

  private final InetSocketAddress server;
  private final String topic;
  private final int events;
  private final int sourceNet;
  private final Selector selector;
  private final Thread thread;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
  private final Stream[] streams;
  private final Stream probe;
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Stream> later =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
  private final List<Stream> now = new ArrayList<>();
  private final Object histogramLock = new Object();
  private Histogram probeLatencies = newHistogram();
  private int pending;
  /** Connections made and not answered yet: connecting, or waiting for the server's head. */
  private int unanswered;
  private volatile int unansweredSeen;
  private volatile int pendingLimit = MAX_PENDING_CONNECTS;
  private volatile boolean running = true;

  private volatile int started;
  private volatile int complete;
  private volatile long refusals;
  private volatile long reconnects;
  private volatile long failures;
  private volatile long duplicates;
  private volatile long resets;
  private volatile int waitingToRetry;
  private volatile long lastProgressNanos = System.nanoTime();
  private volatile long stormStartNanos;

  /**
   * Clients for {@code n} storm streams of {@code topic} and the probe on {@code server},
   * counting {@code events} storm events each, from source addresses {@code 127.0.<sourceNet +
   * k>.2} and up ({@code k} below {@value #SOURCE_NETS}).
   */
  StormClient(InetSocketAddress server, String topic, int n, int events, int sourceNet)
      throws IOException {
    this.server = server;
    this.topic = topic;
    this.events = events;
    this.sourceNet = sourceNet;
    this.streams = new Stream[n];
    for (int i = 0; i < n; i++) {
      streams[i] = new Stream(i, topic);
    }
    this.probe = new Stream(n, PROBE_TOPIC);
    this.selector = Selector.open();
    this.thread = new Thread(this::run, "sse-bench-storm");
    thread.setDaemon(true);
    thread.start();
  }

  /** Opens the probe and every storm stream, at most 512 connects pending at a time. */
  void connectAll() {
    command(() -> {
      now.add(probe);
      now.addAll(List.of(streams));
    });
  }

  /** Storm streams that have their start cursor (or a later id). */
  int started() {
    return started;
  }

  /** Whether the probe has its start cursor. */
  boolean probeStarted() {
    return probe.lastId != null;
  }

  /** Cuts every storm stream at once with a reset; the probe stays. */
  void cut() {
    command(() -> {
      for (Stream stream : streams) {
        stream.cut();
      }
    });
  }

  /**
   * Brings every storm stream back with its last event id, the reconnects spread evenly over
   * {@code spreadNanos}, all at once (no pacing of pending connects); from then on the
   * completion times and the probe's latencies count.
   */
  void reconnect(long spreadNanos) {
    command(() -> {
      pendingLimit = Integer.MAX_VALUE;
      long start = System.nanoTime();
      stormStartNanos = start;
      lastProgressNanos = start;
      synchronized (histogramLock) {
        probeLatencies = newHistogram();
      }
      for (Stream stream : streams) {
        if (stream.retrying) {
          later.remove(stream); // it failed before the cut: it comes back with the others
          stream.retrying = false;
          waitingToRetry--;
        }
        stream.dueNanos = start + spreadNanos * stream.index / Math.max(1, streams.length);
        later.add(stream);
      }
    });
  }

  /** Storm streams that have had every storm event. */
  int complete() {
    return complete;
  }

  /** When the last stream completed, opened or was refused, by {@link System#nanoTime()}. */
  long lastProgressNanos() {
    return lastProgressNanos;
  }

  /**
   * Connections made and not answered yet: waiting for the kernel to connect them (a SYN the
   * server's full accept queue dropped comes back after seconds) or for the server's answer.
   */
  int unanswered() {
    return unansweredSeen;
  }

  /** Storm streams waiting to come back after a hint. */
  int waitingToRetry() {
    return waitingToRetry;
  }

  /** Answers that refused a stream: {@code sse-busy}, {@code server-shutdown} or a status. */
  long refusals() {
    return refusals;
  }

  /** Connections a storm stream made beyond its first reconnect (after a refusal or a failure). */
  long reconnects() {
    return reconnects;
  }

  /** Connections that failed (refused by the kernel, reset before the answer). */
  long failures() {
    return failures;
  }

  long duplicates() {
    return duplicates;
  }

  /** {@code sse-reset} events the storm streams got. */
  long resets() {
    return resets;
  }

  /** Storm events the streams never got: {@code events} for each, less what each got. */
  long lost() {
    long lost = 0;
    for (Stream stream : streams) {
      lost += events - stream.received;
    }
    return lost;
  }

  /**
   * Each storm stream's time from the start of the reconnects to its last storm event, in
   * nanoseconds; -1 for one that never had them all.
   */
  long[] completionNanos() {
    long[] times = new long[streams.length];
    for (Stream stream : streams) {
      times[stream.index] = stream.completeNanos == 0 ? -1 : stream.completeNanos - stormStartNanos;
    }
    return times;
  }

  /** The probe's latencies since {@link #reconnect}, in microseconds. */
  Histogram probeLatencies() {
    synchronized (histogramLock) {
      return probeLatencies.copy();
    }
  }

  private static Histogram newHistogram() {
    return new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
  }

  private void command(Runnable command) {
    commands.add(command);
    selector.wakeup();
  }

  private void run() {
    try {
      while (running) {
        Runnable command;
        while ((command = commands.poll()) != null) {
          command.run();
        }
        long nanos = System.nanoTime();
        while (!later.isEmpty() && later.peek().dueNanos <= nanos) {
          Stream due = later.poll();
          if (due.retrying) {
            due.retrying = false;
            waitingToRetry--;
          }
          now.add(due);
        }
        startConnects();
        unansweredSeen = unanswered;
        long wait = later.isEmpty() ? 100
            : Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(later.peek().dueNanos - nanos)));
        selector.select(this::handle, wait);
      }
    } catch (IOException e) {
      throw new IllegalStateException("the selector failed", e);
    }
  }

  private void startConnects() {
    int taken = 0;
    while (taken < now.size() && pending < pendingLimit) {
      now.get(taken++).open();
    }
    now.subList(0, taken).clear();
  }

  private void handle(SelectionKey key) {
    Stream stream = (Stream) key.attachment();
    try {
      if (key.isConnectable()) {
        stream.finishConnect(key);
      } else if (key.isReadable()) {
        stream.read(key);
      }
    } catch (IOException | RuntimeException e) {
      stream.failed();
    }
  }

  @Override
  public void close() throws IOException {
    running = false;
    selector.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Stream stream : streams) {
      stream.close();
    }
    probe.close();
    selector.close();
  }

  /** One stream over its successive connections. Used on the selector's thread only. */
  private final class Stream implements StreamDecoder.Listener {
    final int index;
    final String topic;
    final BitSet got;
    int received;
    long completeNanos;
    String lastId;
    long retryMillis = DEFAULT_RETRY_MILLIS;
    long dueNanos;
    /** Waiting in {@code later} to come back after a hint. */
    boolean retrying;
    int generation;
    SocketChannel channel;
    SelectionKey key;
    StreamDecoder decoder;
    boolean connecting;
    boolean answered;
    /** Counted in {@code unanswered}. */
    boolean awaiting;

    Stream(int index, String topic) {
      this.index = index;
      this.topic = topic;
      this.got = topic.equals(PROBE_TOPIC) ? null : new BitSet(events + 1);
    }

    void open() {
      if (channel != null) {
        return; // connected already
      }
      try {
        if (generation > 1 && got != null) {
          reconnects++;
        }
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        int net = sourceNet + generation % SOURCE_NETS;
        channel.bind(new InetSocketAddress("127.0." + net + "." + (2 + index
            / LoadGenerator.PER_SOURCE), 0));
        generation++;
        decoder = StreamDecoder.withFields(this);
        answered = false;
        awaiting = true;
        unanswered++;
        connecting = true;
        pending++;
        if (channel.connect(server)) {
          key = channel.register(selector, SelectionKey.OP_READ, this);
          connected();
        } else {
          key = channel.register(selector, SelectionKey.OP_CONNECT, this);
        }
      } catch (IOException e) {
        failed();
      }
    }

    void finishConnect(SelectionKey key) throws IOException {
      channel.finishConnect();
      key.interestOps(SelectionKey.OP_READ);
      connected();
    }

    private void connected() throws IOException {
      connecting = false;
      pending--;
      String request = "GET /events?topic=" + topic + " HTTP/1.1\r\nHost: "
          + server.getHostString() + ":" + server.getPort() + "\r\nAccept: text/event-stream\r\n"
          + (lastId != null ? "Last-Event-ID: " + lastId + "\r\n" : "") + "\r\n";
      ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
      channel.write(out);
      if (out.hasRemaining()) {
        throw new IOException("the request did not fit the socket buffer");
      }
    }

    void read(SelectionKey key) throws IOException {
      readBuffer.clear();
      int n = channel.read(readBuffer);
      if (n < 0) {
        ended();
        return;
      }
      readBuffer.flip();
      decoder.feed(readBuffer);
      if (decoder.done() && channel != null) {
        ended();
      }
    }

    /** The scenario cuts the stream: a reset, no FIN. */
    void cut() {
      if (channel != null) {
        try {
          channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException ignored) {
          // Closed anyway.
        }
      }
      close();
    }

    /** The connection failed before or while the server answered. */
    void failed() {
      failures++;
      comeBackLater();
    }

    /** The server ended the response, or the connection. */
    void ended() {
      comeBackLater();
    }

    /** Closes the connection and comes back after the last hint, as a browser does. */
    void comeBackLater() {
      close();
      dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
      retrying = true;
      waitingToRetry++;
      later.add(this);
    }

    void close() {
      heard();
      if (connecting) {
        connecting = false;
        pending--;
      }
      if (key != null) {
        key.cancel();
        key = null;
      }
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // Closing anyway.
        }
        channel = null;
      }
    }

    @Override
    public void onHeaderText(String text) {
      String lower = text.toLowerCase(Locale.ROOT);
      int at = lower.indexOf("\r\nretry-after:");
      if (at >= 0) {
        String value = lower.substring(at + 14, lower.indexOf('\r', at + 14)).trim();
        try {
          retryMillis = TimeUnit.SECONDS.toMillis(Long.parseLong(value));
        } catch (NumberFormatException ignored) {
          // Keeps the last hint.
        }
      }
    }

    /** The server answered, or the connection is gone. */
    private void heard() {
      if (awaiting) {
        awaiting = false;
        unanswered--;
      }
    }

    @Override
    public void onHeaders(int status) {
      heard();
      if (status != 200) {
        refusals++;
        lastProgressNanos = System.nanoTime();
      }
    }

    @Override
    public void onEvent(long number) {
      // Not called: the decoder reports blocks.
    }

    @Override
    public void onBlock(String id, String event, long retry, boolean hasData, long number) {
      if (channel == null) {
        return; // closed after an earlier block of the same read
      }
      long at = System.nanoTime();
      if (retry >= 0) {
        retryMillis = retry;
      }
      if (id != null) {
        if (lastId == null && got != null) {
          started++;
        }
        if (!answered && got != null) {
          answered = true;
          lastProgressNanos = at;
        }
        lastId = id;
      }
      if (!hasData) {
        return;
      }
      if (got == null) {
        if (number > 0) {
          synchronized (histogramLock) {
            probeLatencies.recordValue(Math.max(0, Math.min((at - number) / 1000,
                probeLatencies.getHighestTrackableValue())));
          }
        }
        return;
      }
      if (STORM_EVENT.equals(event)) {
        if (number < 1 || number > events) {
          return;
        }
        if (got.get((int) number)) {
          duplicates++;
        } else {
          got.set((int) number);
          received++;
          if (received == events) {
            completeNanos = at;
            complete++;
            lastProgressNanos = at;
          }
        }
      } else if ("sse-reset".equals(event)) {
        resets++;
      } else if ("sse-busy".equals(event) || "server-shutdown".equals(event)) {
        refusals++;
        lastProgressNanos = at;
        comeBackLater();
      }
    }
  }
}
