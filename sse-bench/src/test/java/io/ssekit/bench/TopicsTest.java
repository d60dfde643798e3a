package io.ssekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The topics scenario's arguments, its report, the heap histogram and the publisher's parsing. */
class TopicsTest {
  @Test
  void topicsTakesStreamsRateAndSecondsAndTheCommonOptions() {
    Options topics = Options.parse(new String[] {"topics", "19000", "10000", "30", "--warmup",
        "5", "--servers", "ssekit", "--out", "/tmp/out"});
    assertEquals("topics 19000 10000 30", topics.describe());
    assertEquals(19000, topics.connections);
    assertEquals(10000, topics.rate);
    assertEquals(30, topics.seconds);
    assertEquals(5, topics.warmup);
    assertEquals(List.of("ssekit"), topics.serverNames);
  }

  @Test
  void topicsRefusesAMissingOrInvalidStreamCountRateOrDuration() {
    assertEquals("wrong number of arguments: [100, 10]", refused("topics", "100", "10"));
    assertEquals("wrong number of arguments: []", refused("topics"));
    assertEquals("wrong number of arguments: [1, 2, 3, 4]", refused("topics", "1", "2", "3", "4"));
    assertEquals("N must be a whole number of at least 1, was '0'",
        refused("topics", "0", "10", "5"));
    assertEquals("N must be a whole number of at least 1, was 'many'",
        refused("topics", "many", "10", "5"));
    assertEquals("N is at most 19000 (20000 open files per process)",
        refused("topics", "19001", "10", "5"));
    assertEquals("RATE must be a whole number of at least 1, was '-5'",
        refused("topics", "100", "-5", "5"));
    assertEquals("RATE must be a whole number of at least 1, was '1.5'",
        refused("topics", "100", "1.5", "5"));
    assertEquals("SECONDS must be a whole number of at least 1, was '0'",
        refused("topics", "100", "10", "0"));
    assertEquals("SECONDS must be a whole number of at least 1, was ''",
        refused("topics", "100", "10", ""));
  }

  private static String refused(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> Options.parse(args)).getMessage();
  }

  @Test
  void theReportDividesTheHeapGrowthByTheTopicsAndCountsLossAsBroken() {
    Histogram user = new Histogram(60_000_000L, 3);
    Histogram broadcast = new Histogram(60_000_000L, 3);
    for (int i = 1; i <= 100; i++) {
      user.recordValue(i * 1000L); // 1 ms to 100 ms
      broadcast.recordValue(i * 2000L);
    }
    TopicsReport report = new TopicsReport("ssekit", 1000, 1000, 0, 10_000, 50_000, 5, 5.0, 0, 0,
        2, user, broadcast, 55_000, 2_750_000_000L, 10_000_000, 10_900_000, 65.0,
        Map.of("[B", 500_000L, "io.ssekit.history.memory.TopicLog", 64_000L));
    assertEquals(10_000, report.publishesPerSecond(), 1e-9);
    assertEquals(2_750_000_000L / 1000.0 / 50_005, report.serverMicrosPerPublish(), 1e-9);
    assertEquals(50.0, report.serverMicrosPerDelivery(), 1e-9);
    assertEquals(900, report.bytesPerTopic());
    assertFalse(report.broken());
    assertEquals(50.0, TopicsReport.millis(user, 50), 0.1);
    assertEquals(198.0, TopicsReport.millis(broadcast, 99), 0.2);

    String json = report.json();
    assertTrue(json.startsWith("{\"server\":\"ssekit\",\"streams\":1000,\"open\":1000,\"ended\":0,"
        + "\"rate\":10000,\"published\":50000,\"broadcasts\":5,\"publishes_per_s\":10000.0,"
        + "\"refused\":0,\"lost\":0,\"extra\":2,\"user_p50_ms\":"), json);
    assertTrue(json.contains("\"bytes_per_topic\":900,\"events_per_topic\":65.00,"
        + "\"grown_bytes_by_class\":{"), json);
    assertTrue(json.contains("\"io.ssekit.history.memory.TopicLog\":64000"), json);
    assertTrue(report.markdownRow().startsWith("| ssekit | 1000 | 1000 | 10000 | 5 | 0 | 0 |"
        + " 50.0 / 99.0 |"), report.markdownRow());
    assertTrue(report.markdownRow().endsWith("| 900 | 65.0 |\n"), report.markdownRow());
    assertTrue(report.growthMarkdown().contains("| `[B` | 500000 | 500.0 |"),
        report.growthMarkdown());
    assertEquals(TopicsReport.markdownHeader().lines().findFirst().orElseThrow().split("\\|").length,
        report.markdownRow().trim().split("\\|").length, "a cell for each column");
    assertTrue(report.line().contains("lost 0, extra 2"), report.line());
    assertTrue(report.line().contains("900 bytes per idle topic (65.0 events each)"),
        report.line());

    TopicsReport lost = new TopicsReport("ssekit", 1000, 1000, 0, 10, 50, 5, 5.0, 0, 1, 0, user,
        broadcast, 0, 0, 0, 0, 0, Map.of());
    assertTrue(lost.broken(), "an event was lost");
    assertTrue(lost.json().contains("\"server_us_per_delivery\":null"), lost.json());
    TopicsReport notOpen = new TopicsReport("ssekit", 1000, 999, 0, 10, 50, 5, 5.0, 0, 0, 0, user,
        broadcast, 0, 0, 0, 0, 0, Map.of());
    assertTrue(notOpen.broken(), "a stream did not open");
  }

  @Test
  void theClassHistogramOfJcmdGivesTheLiveHeapAndWhatGrew() {
    ClassHistogram before = ClassHistogram.parse("""
        12345:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:          1000          64000  [B (java.base@17.0.15)
           2:           500          12000  java.lang.String (java.base@17.0.15)
        Total          1500          76000
        """);
    ClassHistogram after = ClassHistogram.parse("""
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:          3000         192000  [B (java.base@17.0.15)
           2:          1000          64000  io.ssekit.history.memory.TopicLog
           3:           400           9600  java.lang.String (java.base@17.0.15)
           4:            10            240  java.lang.Object (java.base@17.0.15)
        Total          4410         265840
        """);
    assertEquals(76_000, before.bytes());
    assertEquals(265_840, after.bytes());
    assertEquals(Map.of("[B", 64_000L, "java.lang.String", 12_000L), before.bytesByClass());
    Map<String, Long> grown = after.growthSince(before, 2);
    assertEquals(List.of("[B", "io.ssekit.history.memory.TopicLog"), List.copyOf(grown.keySet()));
    assertEquals(128_000L, grown.get("[B"));
    assertEquals(Map.of("[B", 128_000L, "io.ssekit.history.memory.TopicLog", 64_000L,
        "java.lang.Object", 240L), after.growthSince(before, 10), "what shrank is left out");
    assertEquals("not a class histogram: no Total line", assertThrows(
        IllegalArgumentException.class, () -> ClassHistogram.parse("12345: no such process"))
        .getMessage());
  }

  @Test
  void thePublisherReadsPipelinedAnswersStatusAndLength() {
    ByteBuffer in = ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "content-length: 29\r\n\r\n{\"id\":\"x\",\"topic\":\"user-1\"}  HTTP/1.1 503")
        .getBytes(StandardCharsets.US_ASCII));
    int end = TopicPublisher.headerEnd(in);
    String head = new String(in.array(), 0, end, StandardCharsets.US_ASCII);
    assertEquals(200, TopicPublisher.status(head));
    assertEquals(29, TopicPublisher.contentLength(head));
    in.position(end + 29);
    assertEquals(-1, TopicPublisher.headerEnd(in), "the next answer is not complete yet");
    assertEquals(503, TopicPublisher.status("HTTP/1.1 503 Service Unavailable\r\n\r\n"));
    assertEquals(-1, TopicPublisher.status("HTTP/1.0 200 OK\r\n\r\n"));
    assertEquals(0, TopicPublisher.contentLength("HTTP/1.1 200 OK\r\n\r\n"));
    assertEquals("user-17", TopicPublisher.userTopic(17));
  }
}
