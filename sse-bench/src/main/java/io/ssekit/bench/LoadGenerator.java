package io.ssekit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Holds many event streams on one thread with one selector: connects them at a bounded pace,
 * decodes what arrives, counts events and records each event's publish-to-receive latency from
 * the {@code nanoTime} its publisher put in its data (publisher and generator share the JVM and
 * so the clock).
 *
 * <p>Per stream it keeps only a socket and a {@link StreamDecoder}; every stream shares one read
 * buffer. It reads a stream when bytes are there, so it does a read per event when the server
 * writes one per event: its cost per delivery then tracks the server's. Source addresses are
 * spread over {@code 127.0.N.2} and up, {@value #PER_SOURCE}
 * streams each, so that ephemeral ports never run short.
 *
 * <p>Given several paths, it opens streams of each in turn. Given a home (the number of the
 * instance it connects to), it also records apart the latencies of the events that were published
 * on another instance, as {@link Publisher#origin} tells from their time.
 *
 * <p>Thread-safety: {@link #start} and {@link #close} from the caller; the counters are read from
 * any thread; {@link #snapshot} swaps the latency histogram under a lock.
 */
final class LoadGenerator implements AutoCloseable {
  static final int PER_SOURCE = 10_000;
  private static final int MAX_PENDING_CONNECTS = 512;


  /** What a generator made with a receiver hears of each stream's events. */
  interface Receiver {
    /**
     * Stream {@code stream} got an event named {@code event} ({@code null}: none) whose data
     * holds {@code number} first (-1: none), at {@code nowNanos}. Called on the generator's
     * thread.
     */
    void onEvent(int stream, String event, long number, long nowNanos);
  }

  private final InetSocketAddress server;
  private final String sourcePrefix;
  private final IntFunction<String> pathOfStream;
  /** {@code null}: the generator records latencies itself, without reading event names. */
  private final Receiver receiver;
  /** The instance's number for {@link Publisher#origin}; negative: none. */
  private final int home;
  /** Open streams by path: stream {@code i} counts under {@code i % openByPath.length()}. */
  private final AtomicIntegerArray openByPath;
  private final Selector selector;
  private final Thread thread;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
  private final List<Stream> streams = new ArrayList<>();
  private final Object histogramLock = new Object();
  private Histogram latencies = newHistogram();
  private Histogram crossing = newHistogram();

  private volatile boolean running = true;
  private volatile int wanted;
  private int started;
  private int pending;
  private volatile int open;
  private volatile int failed;
  private volatile int ended;
  private volatile long events;
  private volatile long lastOpenNanos;
  private volatile long lastEventNanos;
  private long nowNanos;

  /**
   * A generator for streams of {@code pathAndQuery} on {@code server}, from source addresses
   * {@code 127.0.<sourceNet>.2} and up.
   */
  LoadGenerator(InetSocketAddress server, String pathAndQuery, int sourceNet)
      throws IOException {
    this(server, stream -> pathAndQuery, sourceNet, null, -1, 1);
  }

  /**
   * A generator for streams of each of {@code pathsAndQueries} in turn on {@code server}, from
   * source addresses {@code 127.0.<sourceNet>.2} and up; {@code home}: the number of the instance
   * that {@code server} is (see {@link #snapshotCrossing}), or negative.
   */
  LoadGenerator(InetSocketAddress server, List<String> pathsAndQueries, int sourceNet, int home)
      throws IOException {
    this(server, stream -> pathsAndQueries.get(stream % pathsAndQueries.size()), sourceNet, null,
        home, pathsAndQueries.size());
  }

  /**
   * A generator whose stream {@code i} requests {@code pathOfStream.apply(i)} and hands every
   * event, with its name, to {@code receiver}, which records what it needs; {@link #events}
   * still counts them.
   */
  LoadGenerator(InetSocketAddress server, IntFunction<String> pathOfStream, int sourceNet,
      Receiver receiver) throws IOException {
    this(server, pathOfStream, sourceNet, receiver, -1, 1);
  }

  private LoadGenerator(InetSocketAddress server, IntFunction<String> pathOfStream, int sourceNet,
      Receiver receiver, int home, int paths) throws IOException {
    this.server = server;
    this.sourcePrefix = "127.0." + sourceNet + ".";
    this.pathOfStream = pathOfStream;
    this.receiver = receiver;
    this.home = home;
    this.openByPath = new AtomicIntegerArray(paths);
    this.selector = Selector.open();
    this.thread = new Thread(this::run, "sse-bench-loader");
    thread.setDaemon(true);
    thread.start();
  }

  /** Opens streams until {@code count} have been asked for in all. */
  void connect(int count) {
    wanted = count;
    selector.wakeup();
  }

  int open() {
    return open;
  }

  /** The open streams of the {@code index}th path. */
  int open(int index) {
    return openByPath.get(index);
  }

  int failed() {
    return failed;
  }

  /** Streams that the server ended after they opened. */
  int ended() {
    return ended;
  }

  long events() {
    return events;
  }

  /** When the last event arrived, by {@link System#nanoTime()}. */
  long lastEventNanos() {
    return lastEventNanos;
  }

  /** When the last stream opened, by {@link System#nanoTime()}. */
  long lastOpenNanos() {
    return lastOpenNanos;
  }

  /** The latencies recorded since the last call, in microseconds. */
  Histogram snapshot() {
    synchronized (histogramLock) {
      Histogram taken = latencies;
      latencies = newHistogram();
      return taken;
    }
  }

  /**
   * The latencies, recorded since the last call, of the events published on an instance other
   * than this generator's home; empty without a home.
   */
  Histogram snapshotCrossing() {
    synchronized (histogramLock) {
      Histogram taken = crossing;
      crossing = newHistogram();
      return taken;
    }
  }

  /** Latencies in microseconds, up to ten minutes, three significant digits. */
  private static Histogram newHistogram() {
    return new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
  }

  private void run() {
    try {
      while (running) {
        startConnects();
        selector.select(this::handle, 100);
      }
    } catch (IOException e) {
      throw new IllegalStateException("the selector failed", e);
    }
  }

  private void handle(SelectionKey key) {
    nowNanos = System.nanoTime();
    Stream stream = (Stream) key.attachment();
    try {
      if (key.isConnectable()) {
        stream.finishConnect(key);
      } else if (key.isReadable()) {
        stream.read(key);
      }
    } catch (IOException | RuntimeException e) {
      stream.fail(key);
    }
  }

  private void startConnects() throws IOException {
    while (started < wanted && pending < MAX_PENDING_CONNECTS) {
      SocketChannel channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.bind(new InetSocketAddress(sourcePrefix + (2 + started / PER_SOURCE), 0));
      Stream stream = new Stream(channel, started);
      streams.add(stream);
      started++;
      pending++;
      try {
        if (channel.connect(server)) {
          stream.connected(channel.register(selector, SelectionKey.OP_READ, stream));
        } else {
          channel.register(selector, SelectionKey.OP_CONNECT, stream);
        }
      } catch (IOException e) {
        pending--;
        failed++;
        channel.close();
      }
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
      stream.channel.close();
    }
    selector.close();
  }

  /** One stream: its socket and decoder. */
  private final class Stream implements StreamDecoder.Listener {
    final SocketChannel channel;
    final int index;
    final StreamDecoder decoder;
    boolean counted;
    boolean opened;

    Stream(SocketChannel channel, int index) {
      this.channel = channel;
      this.index = index;
      this.decoder = receiver == null ? new StreamDecoder(this) : StreamDecoder.withFields(this);
    }

    void finishConnect(SelectionKey key) throws IOException {
      channel.finishConnect();
      key.interestOps(SelectionKey.OP_READ);
      connected(key);
    }

    void connected(SelectionKey key) throws IOException {
      pending--;
      counted = true;
      ByteBuffer out = ByteBuffer.wrap(("GET " + pathOfStream.apply(index) + " HTTP/1.1\r\nHost: "
          + server.getHostString() + ":" + server.getPort()
          + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      channel.write(out);
      if (out.hasRemaining()) {
        throw new IOException("the request did not fit the socket buffer");
      }
    }

    void read(SelectionKey key) throws IOException {
      readBuffer.clear();
      int n = channel.read(readBuffer);
      if (n < 0) {
        end(key);
        return;
      }
      readBuffer.flip();
      decoder.feed(readBuffer);
      if (decoder.done()) {
        end(key);
      }
    }

    void fail(SelectionKey key) {
      if (!counted) {
        pending--;
        counted = true;
      }
      failed++;
      close(key);
    }

    private void end(SelectionKey key) {
      if (opened) {
        ended++;
        open--;
        openByPath.decrementAndGet(index % openByPath.length());
        opened = false;
      }
      close(key);
    }

    private void close(SelectionKey key) {
      key.cancel();
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing anyway.
      }
    }

    @Override
    public void onHeaders(int status) {
      if (status == 200) {
        opened = true;
        open++;
        openByPath.incrementAndGet(index % openByPath.length());
        lastOpenNanos = System.nanoTime();
      } else {
        failed++;
      }
    }

    @Override
    public void onEvent(long number) {
      events++;
      lastEventNanos = nowNanos;
      if (number > 0) {
        long micros = (nowNanos - number) / 1000;
        long value = Math.max(0, Math.min(micros, latencies.getHighestTrackableValue()));
        synchronized (histogramLock) {
          latencies.recordValue(value);
          if (home >= 0 && Publisher.origin(number) != home) {
            crossing.recordValue(value);
          }
        }
      }
    }

    @Override
    public void onBlock(String id, String event, long retry, boolean hasData, long number) {
      if (hasData) {
        events++;
        lastEventNanos = nowNanos;
        receiver.onEvent(index, event, number, nowNanos);
      }
    }
  }
}
