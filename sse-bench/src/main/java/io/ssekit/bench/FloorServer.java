package io.ssekit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The write floor: the least a JVM can spend to put fanout events on sockets. It accepts N
 * loopback streams on {@code PORT}, answers each request with a {@code 200 text/event-stream}
 * head, then one thread writes the same {@value #EVENT_BYTES}-byte event to every stream at RATE
 * events per second per stream, paced evenly, a batch of B events per {@code write()}: no
 * encoding, no queues, no allocation, one shared direct buffer. Started by {@link Floor} in a JVM
 * of its own on core 0, as the servers under test are.
 *
 * <pre>
 * java -cp sse-bench.jar io.ssekit.bench.FloorServer N RATE SECONDS WARMUP_SECONDS B1,B2,...
 * </pre>
 *
 * <p>For each batch in turn it writes for WARMUP_SECONDS, then for SECONDS while it measures its
 * process CPU time and its writing thread's, and prints one {@link Floor.Result#line() result
 * line}; after the last batch it prints {@code floor-done events=TOTAL} (every event it wrote,
 * warm-ups included) and closes the streams.
 */
public final class FloorServer {
  /** The size of one event, as a fanout of {@code {"t":<nanoTime>}} puts it on the wire. */
  static final int EVENT_BYTES = 110;
  /** The largest batch: events per write. */
  static final int MAX_BATCH = 64;

  private final List<SocketChannel> streams;
  private final ByteBuffer batches;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  /** Where in {@link #batches} the rest of each stream's last batch starts; 0: none is left. */
  private final int[] restFrom;
  /** Where the rest of each stream's last batch ends. */
  private final int[] restTo;
  private final boolean[] failed;
  private long eventsWritten;
  private long shortWrites;
  private long skipped;

  private FloorServer(List<SocketChannel> streams) {
    this.streams = streams;
    this.restFrom = new int[streams.size()];
    this.restTo = new int[streams.size()];
    this.failed = new boolean[streams.size()];
    byte[] event = event();
    batches = ByteBuffer.allocateDirect(EVENT_BYTES * MAX_BATCH);
    for (int i = 0; i < MAX_BATCH; i++) {
      batches.put(event);
    }
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int rate = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    int[] batchSizes = Floor.batches(args[4]).stream().mapToInt(Integer::intValue).toArray();
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    FloorServer floor = new FloorServer(accept(port, n));
    for (int batch : batchSizes) {
      floor.write(batch, rate, TimeUnit.SECONDS.toNanos(warmup));
      long writesBefore = floor.eventsWritten;
      long processCpu = floor.os.getProcessCpuTime();
      long threadCpu = floor.threads.getCurrentThreadCpuTime();
      long shortBefore = floor.shortWrites;
      long skippedBefore = floor.skipped;
      long start = System.nanoTime();
      floor.write(batch, rate, TimeUnit.SECONDS.toNanos(seconds));
      double elapsed = (System.nanoTime() - start) / 1e9;
      long events = floor.eventsWritten - writesBefore;
      System.out.println(new Floor.Result(batch, n, rate, elapsed, events / batch, events,
          floor.shortWrites - shortBefore, floor.skipped - skippedBefore,
          floor.os.getProcessCpuTime() - processCpu,
          floor.threads.getCurrentThreadCpuTime() - threadCpu).line());
    }
    System.out.println("floor-done events=" + floor.eventsWritten);
    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // the reader drains what is in flight
    for (SocketChannel stream : floor.streams) {
      stream.close();
    }
  }

  /** One event of {@value #EVENT_BYTES} bytes whose data's first number is 0 (no latency). */
  static byte[] event() {
    String head = "id: 1\nevent: notification\ndata: {\"t\":0,\"pad\":\"";
    String tail = "\"}\n\n";
    String text = head + "x".repeat(EVENT_BYTES - head.length() - tail.length()) + tail;
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Accepts connections on loopback until {@code n} have sent a request head and been answered;
   * a connection that closes first (the launcher's probe) does not count.
   */
  private static List<SocketChannel> accept(int port, int n) throws IOException {
    byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
        + "Cache-Control: no-cache\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    List<SocketChannel> streams = new ArrayList<>(n);
    ByteBuffer in = ByteBuffer.allocate(4096);
    try (ServerSocketChannel server = ServerSocketChannel.open();
        Selector selector = Selector.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
      while (streams.size() < n) {
        selector.select();
        for (SelectionKey key : selector.selectedKeys()) {
          if (key.isAcceptable()) {
            SocketChannel channel;
            while ((channel = server.accept()) != null) {
              channel.configureBlocking(false);
              channel.register(selector, SelectionKey.OP_READ, new int[1]);
            }
          } else if (key.isReadable()) {
            SocketChannel channel = (SocketChannel) key.channel();
            in.clear();
            int read = channel.read(in);
            if (read < 0) {
              key.cancel();
              channel.close();
              continue;
            }
            int[] matched = (int[]) key.attachment();
            if (endOfHead(in.array(), read, matched)) {
              key.cancel();
              ByteBuffer answer = ByteBuffer.wrap(head);
              channel.write(answer);
              if (answer.hasRemaining()) {
                throw new IOException("a response head did not fit the socket buffer");
              }
              channel.socket().setTcpNoDelay(true);
              streams.add(channel);
            }
          }
        }
        selector.selectedKeys().clear();
      }
      selector.selectNow(); // the cancelled keys let go of their channels
      for (SocketChannel stream : streams) {
        stream.configureBlocking(false);
      }
    }
    return streams;
  }

  /**
   * Whether {@code bytes[0, length)} completes a request head, {@code matched[0]} carrying how
   * many bytes of the blank line's {@code \r\n\r\n} the last read ended with.
   */
  static boolean endOfHead(byte[] bytes, int length, int[] matched) {
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int i = 0; i < length; i++) {
      if (bytes[i] == end[matched[0]]) {
        if (++matched[0] == end.length) {
          return true;
        }
      } else {
        matched[0] = bytes[i] == '\r' ? 1 : 0;
      }
    }
    return false;
  }

  /**
   * Writes {@code batch} events at a time to the streams in turn for {@code nanos}, so that each
   * gets {@code rate} events a second; a stream whose socket has not taken its last batch gets
   * that batch's rest first, and skips this one if it still has not.
   */
  private void write(int batch, int rate, long nanos) {
    int n = streams.size();
    int bytes = batch * EVENT_BYTES;
    double writesPerNano = (double) n * rate / batch / 1e9;
    long start = System.nanoTime();
    long done = 0;
    int next = 0;
    while (true) {
      long elapsed = System.nanoTime() - start;
      if (elapsed >= nanos) {
        return;
      }
      long due = (long) (elapsed * writesPerNano) - done;
      if (due <= 0) {
        long wait = (long) ((done + 1) / writesPerNano) - elapsed;
        LockSupport.parkNanos(Math.min(wait, nanos - elapsed));
        continue;
      }
      for (long i = 0; i < due; i++) {
        writeTo(next, bytes);
        next = next + 1 == n ? 0 : next + 1;
      }
      done += due;
    }
  }

  private void writeTo(int stream, int bytes) {
    if (failed[stream]) {
      skipped += bytes / EVENT_BYTES;
      return;
    }
    SocketChannel channel = streams.get(stream);
    try {
      if (restFrom[stream] > 0) {
        batches.limit(restTo[stream]).position(restFrom[stream]);
        channel.write(batches);
        restFrom[stream] = batches.hasRemaining() ? batches.position() : 0;
        if (restFrom[stream] > 0) {
          skipped += bytes / EVENT_BYTES;
          return;
        }
      }
      batches.limit(bytes).position(0);
      if (channel.write(batches) == 0) {
        skipped += bytes / EVENT_BYTES; // the socket is full: this batch is not sent
        return;
      }
      eventsWritten += bytes / EVENT_BYTES;
      if (batches.hasRemaining()) {
        shortWrites++;
        restFrom[stream] = batches.position();
        restTo[stream] = bytes;
      }
    } catch (IOException e) {
      System.out.println("floor: stream " + stream + " failed: " + e);
      failed[stream] = true;
      skipped += bytes / EVENT_BYTES;
    }
  }
}
