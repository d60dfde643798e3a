package io.ssekit.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventParserTest {
  private final List<MessageEvent> events = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private final List<Long> retries = new ArrayList<>();
  private final EventParser parser = new EventParser(new EventParser.Handler() {
    @Override
    public void event(String type, String data, String lastEventId) {
      events.add(new MessageEvent(type, data, lastEventId));
    }

    @Override
    public void comment(String text) {
      comments.add(text);
    }

    @Override
    public void retry(long millis) {
      retries.add(millis);
    }
  }, 4 << 20, "");

  /**
   * Feeds {@code bytes} to a fresh parser whole, and to another one byte at a time; both must
   * find the same.
   */
  private static List<MessageEvent> parseBothWays(byte[] bytes) {
    EventParserTest whole = new EventParserTest();
    whole.feed(bytes, bytes.length);
    EventParserTest bytewise = new EventParserTest();
    bytewise.feed(bytes, 1);
    assertEquals(whole.events, bytewise.events, "byte by byte gives what the whole does");
    assertEquals(whole.comments, bytewise.comments);
    assertEquals(whole.retries, bytewise.retries);
    return whole.events;
  }

  private void feed(byte[] bytes, int piece) {
    for (int i = 0; i < bytes.length; i += piece) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes, i, Math.min(piece, bytes.length - i)).slice();
      while (buffer.hasRemaining()) {
        parser.parse(buffer);
      }
    }
  }

  private void feed(String text) {
    feed(text.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void dispatchesDataWithTypeAndIdOnABlankLine() {
    assertEquals(List.of(new MessageEvent("news", "one\ntwo", "7")),
        parseBothWays(utf8("id: 7\nevent: news\ndata: one\ndata: two\n\n")));
  }

  @Test
  void acceptsCrLfCrAndLfLineEnds() {
    assertEquals(List.of(new MessageEvent("message", "a", ""), new MessageEvent("message", "b", ""),
            new MessageEvent("message", "c", "")),
        parseBothWays(utf8("data: a\r\n\r\ndata: b\r\rdata: c\n\n")));
  }

  @Test
  void aCrLfSplitBetweenPiecesIsOneLineEnd() {
    feed("data: a\r");
    feed("\n\r");
    feed("\n");
    assertEquals(List.of(new MessageEvent("message", "a", "")), events);
  }

  @Test
  void skipsOneByteOrderMarkAtTheStart() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body = utf8("data: x\n\n");
    byte[] stream = new byte[bom.length * 2 + body.length];
    System.arraycopy(bom, 0, stream, 0, 3);
    System.arraycopy(body, 0, stream, 3, body.length);
    assertEquals(List.of(new MessageEvent("message", "x", "")),
        parseBothWays(java.util.Arrays.copyOf(stream, 3 + body.length)));
    // A second mark is not skipped: it is part of the next line's field name.
    System.arraycopy(bom, 0, stream, 3 + body.length, 3);
    byte[] twice = new byte[stream.length + body.length];
    System.arraycopy(stream, 0, twice, 0, stream.length);
    System.arraycopy(body, 0, twice, stream.length, body.length);
    assertEquals(List.of(new MessageEvent("message", "x", "")), parseBothWays(twice));
  }

  @Test
  void anIdWithNulIsIgnored() {
    assertEquals(List.of(new MessageEvent("message", "a", "1"), new MessageEvent("message", "b", "1")),
        parseBothWays(utf8("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n")));
  }

  @Test
  void theIdPersistsAndAnEmptyIdClearsIt() {
    assertEquals(List.of(new MessageEvent("message", "a", "1"), new MessageEvent("message", "b", "1"),
            new MessageEvent("message", "c", "")),
        parseBothWays(utf8("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n")));
  }

  @Test
  void anEventWithoutDataIsNotDispatchedButSetsTheLastEventId() {
    feed("id: 5\nevent: x\n\n");
    assertEquals(List.of(), events);
    assertEquals("5", parser.lastEventId());
    feed("data: after\n\n");
    assertEquals(List.of(new MessageEvent("message", "after", "5")), events,
        "the type of the undispatched event does not carry over");
  }

  @Test
  void retryCountsOnlyWhenAllDigits() {
    feed("retry: 1500\nretry: 15x\nretry: -1\nretry:\nretry: 20 \nretry:3000\n\n");
    assertEquals(List.of(1500L, 3000L), retries);
  }

  @Test
  void commentsAreSurfacedWithoutTheColonAndOneSpace() {
    feed(": ok\n:\n:  two spaces\n\n");
    assertEquals(List.of("ok", "", " two spaces"), comments);
    assertEquals(List.of(), events);
  }

  @Test
  void fieldsFollowTheSpacingAndColonRules() {
    assertEquals(List.of(new MessageEvent("message", "\n x", "")),
        parseBothWays(utf8("data\ndata:  x\nunknown: y\nDATA: z\n\n")));
    assertEquals(List.of(new MessageEvent("message", "", "")), parseBothWays(utf8("data:\n\n")));
  }

  @Test
  void anEventCutOffByTheEndOfTheStreamIsDroppedOnRestart() {
    feed("id: 1\ndata: a\n\nid: 2\ndata: partial");
    parser.restart();
    feed("data: next\n\n");
    assertEquals(List.of(new MessageEvent("message", "a", "1"), new MessageEvent("message", "next", "1")),
        events, "the partial event and its id are gone; the stream resumes after id 1");
  }

  @Test
  void decodesCharactersSplitBetweenPieces() {
    assertEquals(List.of(new MessageEvent("grüße", "世界 🎉", "ïd")),
        parseBothWays(utf8("event: grüße\nid: ïd\ndata: 世界 🎉\n\n")));
  }

  @Test
  void linesOfAMegabyteAndMoreArriveWhole() {
    String big = "x".repeat(1 << 20) + "y";
    assertEquals(List.of(new MessageEvent("message", big + "\n" + big, "")),
        parseBothWays(utf8("data: " + big + "\ndata: " + big + "\n\n")));
  }

  @Test
  void anEventOverTheLimitIsRefused() {
    EventParser small = new EventParser(new EventParser.Handler() {
      @Override
      public void event(String type, String data, String lastEventId) {}

      @Override
      public void comment(String text) {}

      @Override
      public void retry(long millis) {}
    }, 1024, "");
    ByteBuffer tooLarge = ByteBuffer.wrap(utf8("data: " + "x".repeat(1024) + "\n\n"));
    EventParser.TooLargeException e =
        assertThrows(EventParser.TooLargeException.class, () -> small.parse(tooLarge));
    assertEquals("an event or line of the stream is over 1024 bytes (maxEventSize)", e.getMessage());
  }

  @Test
  void parseStopsAfterEachDispatchedEvent() {
    ByteBuffer two = ByteBuffer.wrap(utf8("data: a\n\ndata: b\n\n"));
    assertTrue(parser.parse(two));
    assertEquals(1, events.size());
    assertEquals(9, two.position());
    assertTrue(parser.parse(two));
    assertFalse(parser.parse(two));
    assertEquals(2, events.size());
  }

  @Test
  void theTypeStringIsReusedWhileItRepeats() {
    feed("event: tick\ndata: 1\n\nevent: tick\ndata: 2\n\n");
    assertTrue(events.get(0).type() == events.get(1).type(), "the same String instance");
  }
}
