package io.ssekit.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Decoding allocates, per event, only the event it hands out: its object and strings. */
class DecodeAllocationTest {
  @Test
  void decodingAllocatesNothingBeyondTheEvents() {
    byte[] bytes = DecodeBenchmark.stream(DecodeBenchmark.EVENTS);
    DecodeBenchmark.Decoder decoder = new DecodeBenchmark.Decoder();
    for (int warm = 0; warm < 5; warm++) {
      decoder.decode(bytes);
    }
    long before = DecodeBenchmark.allocatedBytes();
    long events = decoder.events;
    decoder.decode(bytes);
    double perEvent = (double) (DecodeBenchmark.allocatedBytes() - before)
        / (decoder.events - events);
    assertEquals(DecodeBenchmark.EVENTS, decoder.events - events);
    // The event (16-byte header and three references: 32 bytes), its data and id strings (24
    // bytes each) and their byte arrays (16-byte header, contents rounded up to 8): at most 13
    // bytes of data and 25 of id here.
    long eventGraph = 32 + 24 + (16 + 16) + 24 + (16 + 32);
    assertTrue(perEvent <= eventGraph,
        "allocated " + perEvent + " bytes per event; the event itself is " + eventGraph);
  }
}
