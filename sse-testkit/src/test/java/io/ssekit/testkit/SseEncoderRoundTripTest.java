package io.ssekit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseEncoder;
import io.ssekit.spi.SseEvent;
import io.ssekit.testkit.EventStreamParser.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a browser makes of the bytes {@link SseEncoder} writes: each event arrives as it was. */
class SseEncoderRoundTripTest {

  private static Event roundTrip(SseEvent event) {
    List<Event> events = EventStreamParser.events(SseEncoder.encode(event));
    assertEquals(1, events.size(), "exactly one event from "
        + new String(SseEncoder.encode(event), StandardCharsets.UTF_8));
    return events.get(0);
  }

  /** Parses {@code bytes} as a whole stream; the listener sees events, the parser the rest. */
  private static EventStreamParser parse(byte[] bytes, List<Event> events) {
    EventStreamParser parser = new EventStreamParser(events::add);
    parser.feed(bytes);
    return parser;
  }

  @Test
  void everyLineBreakFormInDataArrivesAsLf() {
    assertEquals("a\nb\nc\nd", roundTrip(SseEvent.of("a\nb\r\nc\rd")).data());
  }

  @Test
  void crFollowedByLfIsOneBreakButLfFollowedByCrIsTwo() {
    assertEquals("a\nb", roundTrip(SseEvent.of("a\r\nb")).data());
    assertEquals("a\n\nb", roundTrip(SseEvent.of("a\n\rb")).data());
  }

  @Test
  void emptyDataStillDispatchesAnEventWithEmptyData() {
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
    Event event = roundTrip(SseEvent.named(" spaced", "  two"));
    assertEquals(" spaced", event.type());
    assertEquals("  two", event.data());
  }

  @Test
  void idNameAndDataArriveTogether() {
    assertEquals(new Event("update", "hello", "e;t=1"),
        roundTrip(new SseEvent("e;t=1", "update", "hello", Duration.ofSeconds(3))));
  }

  @Test
  void nonAsciiAndSurrogatePairsRoundTripAsUtf8() {
    String text = "caf\u00e9 \u4e2d\u6587 \ud83d\ude80\ud83c\udf89 \u0000";
    assertEquals(text, roundTrip(SseEvent.of(text)).data());
  }

  @Test
  void anUnpairedSurrogateIsWrittenAsAQuestionMark() {
    assertEquals("a?b", roundTrip(SseEvent.of("a\ud83db")).data());
  }

  @Test
  void aVeryLongLineArrivesWhole() {
    String line = "x".repeat(1 << 20);
    assertEquals(line, roundTrip(SseEvent.of(line)).data());
  }

  @Test
  void dataCannotInjectFieldsOrEvents() {
    String attack = "x\n\nevent: admin\ndata: injected\nid: forged\n\r\rretry: 1";
    List<Event> events = new ArrayList<>();
    EventStreamParser parser = parse(SseEncoder.encode(SseEvent.of(attack)), events);
    assertEquals(List.of(new Event("message",
        "x\n\nevent: admin\ndata: injected\nid: forged\n\n\nretry: 1", "")), events);
    assertNull(parser.retry());
    assertEquals("", parser.lastEventId());
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
    assertTrue(EventStreamParser.events(SseEncoder.comment("hello\nworld")).isEmpty());
    assertTrue(EventStreamParser.events(SseEncoder.keepAlive()).isEmpty());
  }

  @Test
  void retryAloneSetsTheReconnectionTime() {
    List<Event> events = new ArrayList<>();
    EventStreamParser parser = parse(SseEncoder.retry(Duration.ofMillis(2500)), events);
    assertEquals(2500L, parser.retry());
    assertTrue(events.isEmpty());
  }

  @Test
  void anIdAloneSetsTheLastEventIdWithoutFiringAnEvent() {
    List<Event> events = new ArrayList<>();
    EventStreamParser parser = parse(SseEncoder.idOnly("ep;t=5"), events);
    assertTrue(events.isEmpty());
    assertEquals("ep;t=5", parser.lastEventId());
  }
}
