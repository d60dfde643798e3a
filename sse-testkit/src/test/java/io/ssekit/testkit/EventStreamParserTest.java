package io.ssekit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.testkit.EventStreamParser.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WHATWG rules for interpreting an event stream, rule by rule. */
class EventStreamParserTest {
  private final List<String> seen = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private final EventStreamParser parser = new EventStreamParser(new EventStreamParser.Listener() {
    @Override
    public void event(Event event) {
      events.add(event);
      seen.add("event " + event);
    }

    @Override
    public void field(String name, String value) {
      seen.add("field " + name + "=" + value);
    }

    @Override
    public void comment(String text) {
      seen.add("comment " + text);
    }

    @Override
    public void retry(long millis) {
      seen.add("retry " + millis);
    }

    @Override
    public void groupEnd(String lastEventId) {
      seen.add("end " + lastEventId);
    }
  });

  private void feed(String text) {
    parser.feed(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Event message(String data, String lastEventId) {
    return new Event("message", data, lastEventId);
  }

  @Test
  void crLfAndCrLfAllEndLines() {
    feed("data: a\r\ndata: b\rdata: c\n\r\n");
    assertEquals(List.of(message("a\nb\nc", "")), events);
  }

  @Test
  void aCrLfSplitAcrossPiecesIsOneLineEnd() {
    feed("data: a\r");
    feed("\ndata: b\r");
    feed("\n\r");
    assertEquals(List.of(message("a\nb", "")), events);
  }

  @Test
  void lfThenCrIsTwoLineEnds() {
    feed("data: a\n\rdata: b\n\n");
    assertEquals(List.of(message("a", ""), message("b", "")), events);
  }

  @Test
  void aUtf8SequenceSplitAcrossPiecesIsOneCharacter() {
    byte[] bytes = "data: \u00e9\ud83d\ude80\n\n".getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      parser.feed(new byte[] {b});
    }
    assertEquals(List.of(message("\u00e9\ud83d\ude80", "")), events);
  }

  @Test
  void malformedUtf8BecomesTheReplacementCharacter() {
    parser.feed(new byte[] {'d', 'a', 't', 'a', ':', (byte) 0xff, '\n', '\n'});
    assertEquals(List.of(message("\ufffd", "")), events);
  }

  @Test
  void oneLeadingByteOrderMarkIsIgnored() {
    parser.feed(new byte[] {(byte) 0xef, (byte) 0xbb});
    parser.feed(new byte[] {(byte) 0xbf});
    feed("data: x\n\n");
    assertEquals(List.of(message("x", "")), events);
  }

  @Test
  void aByteOrderMarkAnywhereElseIsText() {
    feed("\ufeff\ufeffdata: x\n\ndata: \ufeffy\n\n");
    assertEquals(List.of(message("\ufeffy", "")), events, "the first line's field is \\uFEFFdata");
    assertTrue(seen.contains("field \ufeffdata=x"));
  }

  @Test
  void oneLeadingSpaceOfAValueIsRemoved() {
    feed("event:  two\ndata:no space\ndata:  kept\n\n");
    assertEquals(List.of(new Event(" two", "no space\n kept", "")), events);
  }

  @Test
  void aLineWithoutAColonIsAFieldWithAnEmptyValue() {
    feed("data\ndata\n\n");
    assertEquals(List.of(message("\n", "")), events);
  }

  @Test
  void theFieldNameEndsAtTheFirstColon() {
    feed("data: a: b\n\n");
    assertEquals(List.of(message("a: b", "")), events);
  }

  @Test
  void unknownFieldsAreIgnoredButSurfaced() {
    feed("Data: upper\nfoo: bar\ndata: x\n\n");
    assertEquals(List.of(message("x", "")), events);
    assertTrue(seen.containsAll(List.of("field Data=upper", "field foo=bar")));
  }

  @Test
  void commentsDispatchNothingAndAreSurfaced() {
    feed(":\n: hello\ndata: x\n:inside\n\n");
    assertEquals(List.of("comment ", "comment  hello", "field data=x", "comment inside",
        "event " + message("x", ""), "end "), seen);
  }

  @Test
  void aGroupWithoutDataDispatchesNothing() {
    feed("event: named\n\ndata: plain\n\n");
    assertEquals(List.of(message("plain", "")), events, "the type does not leak to the next event");
  }

  @Test
  void theTypeDefaultsToMessageAndIsResetAfterEachEvent() {
    feed("event: update\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n");
    assertEquals(List.of(new Event("update", "1", ""), message("2", ""), message("3", "")),
        events);
  }

  @Test
  void anIdAloneSetsTheLastEventIdWithoutAnEvent() {
    feed("id: 7\n\n");
    assertTrue(events.isEmpty());
    assertEquals("7", parser.lastEventId());
    assertEquals(List.of("field id=7", "end 7"), seen);
  }

  @Test
  void theIdIsKeptForLaterEventsUntilChanged() {
    feed("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");
    assertEquals(List.of(message("a", "1"), message("b", "1"), message("c", "")), events);
    assertEquals("", parser.lastEventId());
  }

  @Test
  void anIdWithNulIsIgnored() {
    feed("id: good\n\nid: b\u0000d\ndata: x\n\n");
    assertEquals(List.of(message("x", "good")), events);
    assertEquals("good", parser.lastEventId());
  }

  @Test
  void theIdTakesEffectAtTheBlankLine() {
    feed("id: 1\n\nid: 2\ndata: x\n");
    assertEquals("1", parser.lastEventId(), "the group of id 2 has not ended");
  }

  @Test
  void retryIsSetOnlyByAsciiDigits() {
    feed("retry: 1500\n\n");
    assertEquals(1500L, parser.retry());
    for (String bad : List.of("retry: 12a", "retry: -1", "retry:  10", "retry:", "retry: 1.5",
        "retry: \u0661", "retry: 99999999999999999999")) {
      feed(bad + "\n\n");
      assertEquals(1500L, parser.retry(), bad);
    }
    assertEquals(1, seen.stream().filter(line -> line.startsWith("retry ")).count());
  }

  @Test
  void retryAloneDispatchesNothing() {
    feed("retry: 0\n\n");
    assertEquals(0L, parser.retry());
    assertTrue(events.isEmpty());
  }

  @Test
  void anUnterminatedGroupIsNotDispatched() {
    feed("data: done\n\ndata: pending\n");
    assertEquals(List.of(message("done", "")), events);
    assertFalse(parser.atGroupBoundary());
    feed("\n");
    assertTrue(parser.atGroupBoundary());
    assertEquals(List.of(message("done", ""), message("pending", "")), events);
  }

  @Test
  void anUnterminatedLineIsNotInterpreted() {
    feed("data: x\n\nid: 5");
    assertFalse(parser.atGroupBoundary());
    assertEquals("", parser.lastEventId());
  }

  @Test
  void aNewParserStartsEmpty() {
    assertNull(parser.retry());
    assertEquals("", parser.lastEventId());
    assertTrue(parser.atGroupBoundary());
    assertTrue(EventStreamParser.events(new byte[0]).isEmpty());
  }

  @Test
  void feedReadsOnlyTheGivenRange() {
    byte[] bytes = "xxdata: in\n\nyy".getBytes(StandardCharsets.UTF_8);
    parser.feed(bytes, 2, bytes.length - 4);
    assertEquals(List.of(message("in", "")), events);
  }
}
