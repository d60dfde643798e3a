package io.ssekit.client;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How fast the client decodes small events, and what it allocates for each, on the calling
 * thread: the bytes of ssekit-style events (an {@code id:} cursor and a small JSON {@code data:})
 * are fed in 16 KiB reads, as a connection delivers them, and every event becomes the {@link
 * MessageEvent} a consumer receives. Run it pinned to one core:
 *
 * <pre>{@code
 * mvn -B -ntp -q clean verify -pl sse-client -am -DskipTests
 * taskset -c 0 java -cp sse-client/target/classes:sse-client/target/test-classes \
 *     io.ssekit.client.DecodeBenchmark
 * }</pre>
 */
public final class DecodeBenchmark {
  static final int EVENTS = 100_000;
  static final int READ = 16 * 1024;

  private DecodeBenchmark() {}

  /** {@code count} events as ssekit writes them: id, then data, then a blank line. */
  static byte[] stream(int count) {
    StringBuilder text = new StringBuilder(count * 48);
    for (int n = 0; n < count; n++) {
      text.append("id: k3x9q2lm0a;news=").append(n).append("\ndata: {\"n\":").append(n)
          .append("}\n\n");
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Decodes what a stream brings, the way the engine does; returns a checksum. */
  static final class Decoder implements EventParser.Handler {
    private final EventParser parser = new EventParser(this, 8 << 20, "");
    long events;
    long checksum;

    long decode(byte[] bytes) {
      for (int at = 0; at < bytes.length; at += READ) {
        ByteBuffer read = ByteBuffer.wrap(bytes, at, Math.min(READ, bytes.length - at)).slice();
        while (read.hasRemaining()) {
          parser.parse(read);
        }
      }
      return events;
    }

    @Override
    public void event(String type, String data, String lastEventId) {
      MessageEvent event = new MessageEvent(type, data, lastEventId);
      events++;
      checksum += event.data().length() + event.lastEventId().length();
    }

    @Override
    public void comment(String text) {}

    @Override
    public void retry(long millis) {}
  }

  /** Bytes allocated so far by the calling thread. */
  static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  public static void main(String[] args) {
    byte[] bytes = stream(EVENTS);
    Decoder decoder = new Decoder();
    for (int warm = 0; warm < 50; warm++) {
      decoder.decode(bytes);
    }
    double[] rates = new double[7];
    long allocated = 0;
    long decoded = 0;
    for (int round = 0; round < rates.length; round++) {
      long events = 0;
      long allocatedBefore = allocatedBytes();
      long start = System.nanoTime();
      long elapsed;
      do {
        long before = decoder.events;
        decoder.decode(bytes);
        events += decoder.events - before;
        elapsed = System.nanoTime() - start;
      } while (elapsed < 1_000_000_000L);
      allocated += allocatedBytes() - allocatedBefore;
      decoded += events;
      rates[round] = events * 1e9 / elapsed;
    }
    Arrays.sort(rates);
    System.out.printf("decoded %,.0f events/s (median of %d rounds of 1 s; %d bytes each on the"
        + " wire), %.1f bytes allocated per event (checksum %d)%n", rates[rates.length / 2],
        rates.length, bytes.length / EVENTS, (double) allocated / decoded, decoder.checksum);
  }
}
