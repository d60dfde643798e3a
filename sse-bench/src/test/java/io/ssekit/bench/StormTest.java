package io.ssekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The storm scenario's arguments, its report's figures, and the decoder's fields it reads. */
class StormTest {
  @Test
  void stormTakesStreamsAndEventsAndItsOptions() {
    Options storm = Options.parse(new String[] {"storm", "2000", "50", "--redis", "on",
        "--probe-rate", "10"});
    assertEquals("storm 2000 50", storm.describe());
    assertEquals(2000, storm.connections);
    assertEquals(50, storm.events);
    assertTrue(storm.redis);
    assertEquals(10, storm.probeRate);
    Options defaults = Options.parse(new String[] {"storm", "10", "5"});
    assertFalse(defaults.redis);
    assertEquals(20, defaults.probeRate);

    assertEquals("wrong number of arguments: [10]", assertThrows(IllegalArgumentException.class,
        () -> Options.parse(new String[] {"storm", "10"})).getMessage());
    assertEquals("EVENTS must be a whole number of at least 1, was '0'",
        assertThrows(IllegalArgumentException.class,
            () -> Options.parse(new String[] {"storm", "10", "0"})).getMessage());
    assertEquals("--redis takes on, off or cluster, was 'yes'", assertThrows(IllegalArgumentException.class,
        () -> Options.parse(new String[] {"storm", "10", "5", "--redis", "yes"})).getMessage());
    assertEquals("N is at most 19000 (20000 open files per process)",
        assertThrows(IllegalArgumentException.class,
            () -> Options.parse(new String[] {"storm", "19001", "5"})).getMessage());
  }

  @Test
  void theReportTakesNearestRankPercentilesOfTheStreamsThatCompleted() {
    long[] nanos = new long[100];
    for (int i = 0; i < 98; i++) {
      nanos[i] = (i + 1) * 1_000_000L; // 1 ms to 98 ms
    }
    nanos[98] = -1;
    nanos[99] = -1;
    Histogram probe = new Histogram(60_000_000L, 3);
    for (int i = 1; i <= 100; i++) {
      probe.recordValue(i * 1000L); // 1 ms to 100 ms
    }
    StormReport report = StormReport.of("ssekit", 50, nanos, 7, 1, 2, 3, 4, 5, 1_500_000_000L,
        probe, Map.of("xrange", 98L, "evalsha", 2L));
    assertEquals(100, report.streams());
    assertEquals(98, report.complete());
    assertEquals(49.0, report.p50Millis(), 1e-9);
    assertEquals(98.0, report.p99Millis(), 1e-9);
    assertEquals(98.0, report.maxMillis(), 1e-9);
    assertEquals(1.5, report.serverCpuSeconds(), 1e-9);
    assertEquals(100, report.probeEvents());
    assertEquals(50.0, report.probeP50Millis(), 0.1);
    assertEquals(99.0, report.probeP99Millis(), 0.1);
    assertEquals(100, report.redisCalls());
    assertTrue(report.broken(), "two streams never had everything");
    assertEquals(Double.NaN, StormReport.percentileMillis(new long[0], 50));
    assertEquals(3.0, StormReport.percentileMillis(new long[] {1_000_000, 2_000_000, 3_000_000},
        99), 1e-9);

    String json = report.json();
    assertTrue(json.startsWith("{\"server\":\"ssekit\",\"streams\":100,\"events\":50,"
        + "\"complete\":98,\"p50_ms\":49.00,\"p99_ms\":98.00,\"max_ms\":98.00,\"lost\":7,"), json);
    assertTrue(json.endsWith("\"redis_calls\":100,\"redis_commands\":{\"evalsha\":2,"
        + "\"xrange\":98}}") || json.endsWith("\"redis_calls\":100,\"redis_commands\":{\"xrange\":98,"
        + "\"evalsha\":2}}"), json);
    assertTrue(report.markdownRow().startsWith("| ssekit | 100 × 50 | 98 | 7 | 1 | 2 | 49.0 |"),
        report.markdownRow());
    StormReport clean = StormReport.of("ssekit", 5, new long[] {1, 2}, 0, 0, 0, 0, 0, 0, 0,
        new Histogram(3), Map.of());
    assertFalse(clean.broken());
    assertTrue(clean.json().contains("\"probe_p50_ms\":null"), clean.json());
  }

  @Test
  void redisCommandStatsAreReadAndSubtracted() {
    String before = "# Commandstats\r\ncmdstat_xadd:calls=5,usec=50,usec_per_call=10.00\r\n"
        + "cmdstat_info:calls=1,usec=9\r\n";
    String after = "# Commandstats\r\ncmdstat_xadd:calls=7,usec=70,usec_per_call=10.00\r\n"
        + "cmdstat_info:calls=2,usec=19\r\ncmdstat_xrange:calls=40,usec=400\r\n";
    Map<String, Long> calls = StormReport.commandCalls(after);
    assertEquals(Map.of("xadd", 7L, "info", 2L, "xrange", 40L), calls);
    assertEquals(Map.of("xadd", 2L, "info", 1L, "xrange", 40L),
        StormReport.difference(StormReport.commandCalls(before), calls));
  }

  @Test
  void aDecoderWithFieldsReportsEachBlockWithItsIdEventAndRetry() {
    List<String> blocks = new ArrayList<>();
    List<String> headers = new ArrayList<>();
    StreamDecoder decoder = StreamDecoder.withFields(new StreamDecoder.Listener() {
      @Override
      public void onHeaders(int status) {
        blocks.add("status " + status);
      }

      @Override
      public void onEvent(long number) {
        blocks.add("event " + number);
      }

      @Override
      public void onHeaderText(String text) {
        headers.add(text);
      }

      @Override
      public void onBlock(String id, String event, long retry, boolean hasData, long number) {
        blocks.add(id + "|" + event + "|" + retry + "|" + hasData + "|" + number);
      }
    });
    String stream = StreamDecoderTest.HEADERS
        + StreamDecoderTest.chunk(": ok\n\nretry: 2000\n\nid: e;storm=0\n\n")
        + StreamDecoderTest.chunk("id: e;storm=1\r\nevent: storm\r\ndata: 1\r\n\r\n")
        + StreamDecoderTest.chunk("event: sse-busy\rretry: 12873\rdata: {\"retry\":12873}\r\r")
        + StreamDecoderTest.chunk("id:nospace\nretry: soon\ndata\n\n");
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    for (int at = 0; at < bytes.length; at += 3) {
      decoder.feed(ByteBuffer.wrap(bytes, at, Math.min(3, bytes.length - at)));
    }
    assertEquals(List.of("status 200", "null|null|-1|false|-1", "null|null|2000|false|-1",
        "e;storm=0|null|-1|false|-1", "e;storm=1|storm|-1|true|1",
        "null|sse-busy|12873|true|12873", "nospace|null|-1|true|-1"), blocks);
    assertEquals(1, headers.size());
    assertTrue(headers.get(0).contains("Transfer-Encoding: chunked"), headers.get(0));
  }
}
