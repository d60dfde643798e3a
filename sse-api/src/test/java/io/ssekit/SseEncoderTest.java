package io.ssekit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseEncoderTest {

  private static String wire(SseEvent event) {
    return new String(SseEncoder.encode(event), StandardCharsets.UTF_8);
  }

  private static WhatwgParser.Event roundTrip(SseEvent event) {
    WhatwgParser parser = WhatwgParser.parse(SseEncoder.encode(event));
    assertEquals(1, parser.events.size(), "exactly one event from " + wire(event));
    return parser.events.get(0);
  }

  @Test
  void writesFieldsInOrderEndedByABlankLine() {
    SseEvent event = new SseEvent("e;t=1", "update", "hello", Duration.ofSeconds(3));
    assertEquals("id: e;t=1\nevent: update\nretry: 3000\ndata: hello\n\n", wire(event));
  }

  @Test
  void splitsDataOnEveryLineBreakForm() {
    assertEquals("data: a\ndata: b\ndata: c\ndata: d\n\n", wire(SseEvent.of("a\nb\r\nc\rd")));
    assertEquals("a\nb\nc\nd", roundTrip(SseEvent.of("a\nb\r\nc\rd")).data());
  }

  @Test
  void crFollowedByLfIsOneBreakButLfFollowedByCrIsTwo() {
    assertEquals("a\nb", roundTrip(SseEvent.of("a\r\nb")).data());
    assertEquals("a\n\nb", roundTrip(SseEvent.of("a\n\rb")).data());
  }

  @Test
  void emptyDataStillDispatchesAnEventWithEmptyData() {
    assertEquals("data:\n\n", wire(SseEvent.of("")));
    assertEquals("", roundTrip(SseEvent.of("")).data());
  }

  @Test
  void aLoneCrOrLfAtTheEndKeepsATrailingLineBreak() {
    assertEquals("a\n", roundTrip(SseEvent.of("a\r")).data());
    assertEquals("a\n", roundTrip(SseEvent.of("a\n")).data());
    assertEquals("\n", roundTrip(SseEvent.of("\r\n")).data());
  }

  @Test
  void valuesThatStartWithASpaceKeepIt() {
    WhatwgParser.Event event = roundTrip(SseEvent.named(" spaced", "  two"));
    assertEquals(" spaced", event.type());
    assertEquals("  two", event.data());
  }

  @Test
  void nonAsciiAndSurrogatePairsRoundTripAsUtf8() {
    String text = "caf\u00e9 \u4e2d\u6587 \ud83d\ude80\ud83c\udf89 \u0000";
    assertEquals(text, roundTrip(SseEvent.of(text)).data());
    assertArrayEquals(("data: " + text + "\n\n").getBytes(StandardCharsets.UTF_8),
        SseEncoder.encode(SseEvent.of(text)));
  }

  @Test
  void anUnpairedSurrogateIsWrittenAsAQuestionMark() {
    assertEquals("a?b", roundTrip(SseEvent.of("a\ud83db")).data());
  }

  @Test
  void aVeryLongLineStaysOneDataLine() {
    String line = "x".repeat(1 << 20);
    byte[] bytes = SseEncoder.encode(SseEvent.of(line));
    assertEquals(line.length() + "data: \n\n".length(), bytes.length);
    assertEquals(line, roundTrip(SseEvent.of(line)).data());
  }

  @Test
  void dataCannotInjectFieldsOrEvents() {
    String attack = "x\n\nevent: admin\ndata: injected\nid: forged\n\r\rretry: 1";
    WhatwgParser parser = WhatwgParser.parse(SseEncoder.encode(SseEvent.of(attack)));
    assertEquals(List.of(new WhatwgParser.Event("message",
        "x\n\nevent: admin\ndata: injected\nid: forged\n\n\nretry: 1", "")), parser.events);
    assertEquals(null, parser.retry);
  }

  @Test
  void randomTextRoundTripsWithLineBreaksNormalised() {
    Random random = new Random(42);
    char[] alphabet = {'a', 'Z', ' ', ':', '\n', '\r', '\u00e9', '\u4e2d', '\ud83d', '\ude80', '0'};
    for (int n = 0; n < 2000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(30);
      for (int i = 0; i < length; i++) {
        char c = alphabet[random.nextInt(alphabet.length)];
        if (c == '\ud83d') {
          text.append("\ud83d\ude80");
        } else if (c != '\ude80') {
          text.append(c);
        }
      }
      String expected = text.toString().replace("\r\n", "\n").replace('\r', '\n');
      assertEquals(expected, roundTrip(SseEvent.of(text.toString())).data(), "for " + text);
    }
  }

  @Test
  void aCommentIsIgnoredByClientsLineByLine() {
    byte[] comment = SseEncoder.comment("hello\nworld");
    assertEquals(": hello\n: world\n", new String(comment, StandardCharsets.UTF_8));
    assertTrue(WhatwgParser.parse(comment).events.isEmpty());
    assertArrayEquals(new byte[] {':', '\n'}, SseEncoder.keepAlive());
  }

  @Test
  void retryAloneSetsTheReconnectionTime() {
    byte[] retry = SseEncoder.retry(Duration.ofMillis(2500));
    assertEquals("retry: 2500\n\n", new String(retry, StandardCharsets.US_ASCII));
    WhatwgParser parser = WhatwgParser.parse(retry);
    assertEquals(2500L, parser.retry);
    assertTrue(parser.events.isEmpty());
  }

  @Test
  void anIdAloneSetsTheLastEventIdWithoutFiringAnEvent() {
    WhatwgParser parser = WhatwgParser.parse(SseEncoder.idOnly("ep;t=5"));
    assertTrue(parser.events.isEmpty());
    assertEquals("ep;t=5", parser.lastEventId);
    assertEquals("id: ep;t=5\n", new String(SseEncoder.idField("ep;t=5"), StandardCharsets.UTF_8));
  }
}
