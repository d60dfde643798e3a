package io.ssekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load generator's decoder: HTTP/1.1 framing and the WHATWG event-stream rules. */
class StreamDecoderTest {
  static final String HEADERS = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n";

  final List<Integer> statuses = new ArrayList<>();
  final List<Long> events = new ArrayList<>();
  final StreamDecoder decoder = recording();

  /** A decoder that records into {@link #statuses} and {@link #events}. */
  StreamDecoder recording() {
    return new StreamDecoder(new StreamDecoder.Listener() {
      @Override
      public void onHeaders(int status) {
        statuses.add(status);
      }

      @Override
      public void onEvent(long number) {
        events.add(number);
      }
    });
  }

  static String chunk(String body) {
    return Integer.toHexString(body.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + body
        + "\r\n";
  }

  /** Feeds {@code text} in pieces of {@code size} bytes. */
  void feed(String text, int size) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int at = 0; at < bytes.length; at += size) {
      decoder.feed(ByteBuffer.wrap(bytes, at, Math.min(size, bytes.length - at)));
    }
  }

  @Test
  void eventsWithDataAreCountedWithTheirFirstNumberWhateverTheReadSizes() {
    String stream = HEADERS + chunk(": ok\n\nid: e;default=0\n\n")
        + chunk("id: e;default=1\nevent: notification\ndata: {\"t\":123456}\n\n")
        + chunk("data: {\"t\":7")
        + chunk("89}\r\n\r\ndata\n\nevent: x\rdata: no number\r\r")
        + chunk("retry: 500\n\n") + "0\r\n\r\n";
    for (int size : new int[] {1, 2, 3, 7, 64, 4096}) {
      statuses.clear();
      events.clear();
      StreamDecoder fresh = recording();
      byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
      for (int at = 0; at < bytes.length; at += size) {
        fresh.feed(ByteBuffer.wrap(bytes, at, Math.min(size, bytes.length - at)));
      }
      assertEquals(List.of(200), statuses, "read size " + size);
      assertEquals(List.of(123456L, 789L, -1L, -1L), events, "read size " + size);
      assertTrue(fresh.done(), "the last chunk ends the response, read size " + size);
    }
  }

  @Test
  void aRefusedStreamReportsItsStatusAndEnds() {
    feed("HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\n{}", 5);
    assertEquals(List.of(401), statuses);
    assertTrue(decoder.done());
    assertTrue(events.isEmpty());
  }

  @Test
  void aPlainBodyIsReadUntilTheConnectionEnds() {
    feed("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: 42\n\n", 3);
    assertEquals(List.of(42L), events);
    assertFalse(decoder.done());
  }
}
