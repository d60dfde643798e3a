package io.ssekit;

import io.ssekit.spi.SseEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The exact bytes the encoder writes. What a browser makes of them is checked by {@code
 * SseEncoderRoundTripTest} in {@code sse-testkit}, which holds the event-stream parser.
 */
class SseEncoderTest {

  private static String wire(SseEvent event) {
    return new String(SseEncoder.encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void writesFieldsInOrderEndedByABlankLine() {
    SseEvent event = new SseEvent("e;t=1", "update", "hello", Duration.ofSeconds(3));
    assertEquals("id: e;t=1\nevent: update\nretry: 3000\ndata: hello\n\n", wire(event));
  }

  @Test
  void splitsDataOnEveryLineBreakForm() {
    assertEquals("data: a\ndata: b\ndata: c\ndata: d\n\n", wire(SseEvent.of("a\nb\r\nc\rd")));
  }

  @Test
  void emptyDataIsOneEmptyDataLine() {
    assertEquals("data:\n\n", wire(SseEvent.of("")));
  }

  @Test
  void nonAsciiAndSurrogatePairsAreWrittenAsUtf8() {
    String text = "caf\u00e9 \u4e2d\u6587 \ud83d\ude80\ud83c\udf89 \u0000";
    assertArrayEquals(("data: " + text + "\n\n").getBytes(StandardCharsets.UTF_8),
        SseEncoder.encode(SseEvent.of(text)));
  }

  @Test
  void aVeryLongLineStaysOneDataLine() {
    String line = "x".repeat(1 << 20);
    byte[] bytes = SseEncoder.encode(SseEvent.of(line));
    assertEquals(line.length() + "data: \n\n".length(), bytes.length);
  }

  @Test
  void aCommentIsWrittenLineByLine() {
    byte[] comment = SseEncoder.comment("hello\nworld");
    assertEquals(": hello\n: world\n", new String(comment, StandardCharsets.UTF_8));
    assertArrayEquals(new byte[] {':', '\n'}, SseEncoder.keepAlive());
  }

  @Test
  void retryIsAFieldGroupOfItsOwn() {
    byte[] retry = SseEncoder.retry(Duration.ofMillis(2500));
    assertEquals("retry: 2500\n\n", new String(retry, StandardCharsets.US_ASCII));
  }

  @Test
  void anIdFieldAndAnIdAloneGroup() {
    assertEquals("id: ep;t=5\n", new String(SseEncoder.idField("ep;t=5"), StandardCharsets.UTF_8));
    assertEquals("id: ep;t=5\n\n", new String(SseEncoder.idOnly("ep;t=5"), StandardCharsets.UTF_8));
  }
}
