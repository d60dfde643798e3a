package io.ssekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class PlotAndOptionsTest {
  @Test
  void theSweepPlotIsWellFormedSvgWithALinePerServerInEachChartAndTheAskedLine() throws Exception {
    Map<String, List<Plot.Point>> series = new LinkedHashMap<>();
    series.put("ssekit", List.of(new Plot.Point(500, 25_000, 11.5),
        new Plot.Point(8000, 394_438, 266)));
    series.put("Jetty <baseline>", List.of(new Plot.Point(500, 25_000, 12.6),
        new Plot.Point(8000, 56_847, 52_134)));
    String svg = Plot.svg("fanout at 50 events/s", 50, series);

    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    NodeList lines = doc.getElementsByTagName("polyline");
    assertEquals(5, lines.getLength(), "asked, then deliveries and p99 for each server");
    assertTrue(((Element) lines.item(0)).hasAttribute("stroke-dasharray"), "asked is dashed");
    for (int i = 1; i < lines.getLength(); i++) {
      String[] points = ((Element) lines.item(i)).getAttribute("points").split(" ");
      assertEquals(2, points.length);
    }
    assertTrue(svg.contains("Jetty &lt;baseline&gt;"), "legend text is escaped");
    assertTrue(svg.contains(">100k<"), "p99 up to 52 s takes five decades on the log axis");
  }

  @Test
  void niceStepsAndCompactLabels() {
    assertEquals(2000, Plot.niceStep(8000));
    assertEquals(100_000, Plot.niceStep(400_000));
    assertEquals("1.5k", Plot.compact(1500));
    assertEquals("2M", Plot.compact(2_000_000));
    assertEquals("40", Plot.compact(40));
  }

  @Test
  void sweepAndClusterArgumentsAreReadAndCheckedWithTheirNames() {
    Options sweep = Options.parse(new String[] {"sweep", "50", "10", "500,1000", "--warmup", "1"});
    assertEquals(List.of(500, 1000), sweep.sweep);
    Options point = sweep.fanoutOf(1000);
    assertEquals("fanout 1000 50 10", point.describe());
    assertEquals(1, point.warmup);
    assertEquals("cluster 2000 50 10",
        Options.parse(new String[] {"cluster", "2000", "50", "10"}).describe());

    IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
        () -> Options.parse(new String[] {"sweep", "50", "10", "500,20000"}));
    assertEquals("N is at most 19000 (20000 open files per process)", tooMany.getMessage());
    IllegalArgumentException badRate = assertThrows(IllegalArgumentException.class,
        () -> Options.parse(new String[] {"cluster", "2000", "fast", "10"}));
    assertEquals("RATE must be a whole number of at least 1, was 'fast'", badRate.getMessage());
  }
}
