package io.ssekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FloorTest {
  private static final Floor.Result SINGLE = new Floor.Result(1, 2000, 50, 10.0, 1_000_000,
      1_000_000, 3, 0, 7_300_000_000L, 7_100_000_000L);
  private static final Floor.Result BY_SIXTEEN = new Floor.Result(16, 2000, 50, 10.0, 62_500,
      1_000_000, 0, 0, 370_000_000L, 350_000_000L);

  @Test
  void aResultLineReadsBackAsTheResultItWasPrintedFrom() {
    String line = SINGLE.line();

    assertEquals("floor-result batch=1 streams=2000 rate=50 seconds=10.000 writes=1000000"
        + " events=1000000 short=3 skipped=0 process_cpu_ns=7300000000"
        + " thread_cpu_ns=7100000000", line);
    assertEquals(SINGLE, Floor.Result.parse(line));
    assertEquals(7.3, SINGLE.microsPerWrite(), 1e-9);
    assertEquals(7.3, SINGLE.microsPerEvent(), 1e-9);
    assertEquals(5.92, BY_SIXTEEN.microsPerWrite(), 1e-9);
    assertEquals(0.37, BY_SIXTEEN.microsPerEvent(), 1e-9);
    assertEquals(0.35, BY_SIXTEEN.threadMicrosPerEvent(), 1e-9);
  }

  @Test
  void theWritersLogGivesItsResultsInOrderAndItsTotalOnceDone() {
    List<String> log = List.of("floor: stream 7 failed: java.io.IOException: Broken pipe",
        SINGLE.line(), BY_SIXTEEN.line());

    assertEquals(List.of(SINGLE, BY_SIXTEEN), Floor.results(log));
    assertEquals(-1, Floor.written(log), "not done yet");
    assertEquals(4_200_000, Floor.written(List.of(SINGLE.line(), "floor-done events=4200000")));
  }

  @Test
  void aLineThatIsNotAWholeResultSaysWhatIsWrong() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Floor.Result.parse("floor-result batch=1 streams=2000"));
    assertEquals("floor-result without rate=", missing.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Floor.Result.parse("floor-done events=1"));
    assertThrows(IllegalArgumentException.class,
        () -> Floor.Result.parse(SINGLE.line().replace("writes=1000000", "writes=many")));
  }

  @Test
  void theReportHasARowPerBatchAndTheRatioOfEachServerIsToTheFloorPerEvent() {
    String report = Floor.report(List.of(SINGLE, BY_SIXTEEN));

    assertTrue(report.startsWith("floor: 2000 streams, 50 events/s each, 110-byte events,"),
        report);
    assertTrue(report.contains("\n1          100000      100000      7.30      7.30         7.10"
        + "        3        0\n"), report);
    assertTrue(report.contains("\n16           6250      100000      5.92      0.37         0.35"
        + "        0        0\n"), report);

    Bench.Result ssekit = new Bench.Result("ssekit", "fanout 2000 50 10", 2000, 0, 2000, 0, 0,
        1_000_000, 10, null, 8_030_000_000L, 0, 1_000_000);
    assertEquals("ssekit: server CPU per delivery 8.03 us, x1.10 of the floor's 7.30 us per event"
        + " at 1 event(s) per write\n", Floor.versus(List.of(ssekit), SINGLE));
  }

  @Test
  void batchesAreEventsPerWriteWithinTheWritersBuffer() {
    assertEquals(List.of(1, 4, 16), Floor.batches("1,4,16"));
    assertEquals(List.of(64), Floor.batches("64"));
    for (String bad : List.of("0", "65", "1,,4", "four", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Floor.batches(bad), bad);
      assertEquals("--batch takes events per write from 1 to 64, separated by commas, was '"
          + bad + "'", e.getMessage());
    }
  }

  @Test
  void floorTakesTheFanoutArgumentsAndFanoutTakesFloor() {
    Options floor = Options.parse(new String[] {"floor", "2000", "50", "10", "--batch", "1,8"});
    assertEquals(2000, floor.connections);
    assertEquals(50, floor.rate);
    assertEquals(10, floor.seconds);
    assertEquals(List.of(1, 8), floor.batches);
    assertEquals("floor 2000 50 10", floor.describe());
    assertEquals(List.of(1, 4, 16),
        Options.parse(new String[] {"floor", "2000", "50", "10"}).batches);

    assertTrue(Options.parse(new String[] {"fanout", "2000", "50", "10", "--floor", "on"}).floor);
    assertFalse(Options.parse(new String[] {"fanout", "2000", "50", "10"}).floor);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Options.parse(new String[] {"burst", "1000", "--floor", "on"}));
    assertEquals("--floor is an option of fanout, not burst", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Options.parse(new String[] {"floor", "2000", "50"}));
  }

  @Test
  void theEventIsAFanoutEventsSizeAndCarriesNoSendTime() {
    byte[] event = FloorServer.event();
    assertEquals(110, event.length);
    long[] number = {Long.MIN_VALUE};
    StreamDecoder decoder = new StreamDecoder(new StreamDecoder.Listener() {
      @Override
      public void onHeaders(int status) {}

      @Override
      public void onEvent(long value) {
        number[0] = value;
      }
    });
    decoder.feed(java.nio.ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream"
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
    decoder.feed(java.nio.ByteBuffer.wrap(event));
    assertEquals(0, number[0], "0: the reader records no latency");
  }

  @Test
  void theEndOfARequestHeadIsFoundAcrossReads() {
    int[] matched = {0};
    byte[] first = "GET /events HTTP/1.1\r\nHost: x\r\n\r".getBytes(StandardCharsets.US_ASCII);
    assertFalse(FloorServer.endOfHead(first, first.length, matched));
    assertTrue(FloorServer.endOfHead(new byte[] {'\n'}, 1, matched));

    int[] fresh = {0};
    byte[] lone = "a\r\nb\r\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertTrue(FloorServer.endOfHead(lone, lone.length, fresh));
    int[] none = {0};
    byte[] no = "a\r\nb\r\n".getBytes(StandardCharsets.US_ASCII);
    assertFalse(FloorServer.endOfHead(no, no.length, none));
  }
}
