package io.ssekit.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client address behind a request ({@code docs/protocol.md}, "Stream caps per principal and
 * per address").
 */
class ClientAddressTest {
  private static final List<String> TRUSTED = List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8");
  private final ClientAddress proxies = ClientAddress.trusting("trustedProxies", TRUSTED);
  private final ClientAddress rfc7239 =
      ClientAddress.trusting("trustedProxies", TRUSTED, ClientAddress.FORWARDED);

  @Test
  void anUntrustedPeerIsTheClientWhateverItForwards() {
    assertEquals("203.0.113.9", proxies.resolve("203.0.113.9", List.of("for=198.51.100.1"),
        List.of("198.51.100.2")));
    assertEquals("10.1.2.3", ClientAddress.trusting("trustedProxies", List.of())
        .resolve("10.1.2.3", List.of(), List.of("198.51.100.2")));
  }

  @Test
  void theChainIsWalkedFromTheRightPastTrustedHops() {
    assertEquals("198.51.100.2", proxies.resolve("10.0.0.1", List.of(),
        List.of("203.0.113.50, 198.51.100.2, 192.168.1.7", "10.9.9.9")));
    // Everything trusted: the leftmost hop.
    assertEquals("10.0.0.5", proxies.resolve("10.0.0.1", List.of(), List.of("10.0.0.5")));
    // Nothing forwarded: the proxy itself.
    assertEquals("10.0.0.1", proxies.resolve("10.0.0.1", List.of(), List.of()));
  }

  @Test
  void onlyTheHeaderTheProxiesSetIsReadTheOtherIsTheClientsOwn() {
    // X-Forwarded-For by default: a Forwarded the client sent through the proxy counts for nothing.
    assertEquals("198.51.100.2", proxies.resolve("10.0.0.1", List.of("for=203.0.113.66"),
        List.of("198.51.100.2")));
    assertEquals("10.0.0.1", proxies.resolve("10.0.0.1", List.of("for=203.0.113.66"), List.of()));
    // Forwarded when configured: then X-Forwarded-For is the client's own.
    assertEquals("192.0.2.43", rfc7239.resolve("10.0.0.1", List.of("for=192.0.2.43"),
        List.of("203.0.113.66")));
    assertEquals("10.0.0.1", rfc7239.resolve("10.0.0.1", List.of(), List.of("203.0.113.66")));
  }

  @Test
  void forwardedIsParsedWithQuotesPortsAndIpv6() {
    assertEquals("2001:db8:cafe:0:0:0:0:17", rfc7239.resolve("10.0.0.1",
        List.of("for=192.0.2.43, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.1"),
        List.of("198.51.100.2")));
    assertEquals("192.0.2.60", rfc7239.resolve("fd00::1",
        List.of("For=\"192.0.2.60:8080\";proto=http", "for=10.0.0.2"), List.of()));
    assertEquals("_hidden", rfc7239.resolve("10.0.0.1", List.of("for=_Hidden"), List.of()));
    assertEquals("unknown", rfc7239.resolve("10.0.0.1", List.of("proto=http"), List.of()));
  }

  @Test
  void addressesHaveOneCanonicalForm() {
    assertEquals("0:0:0:0:0:0:0:1", proxies.resolve("::1", List.of(), List.of()));
    assertEquals("0:0:0:0:0:0:0:1", proxies.resolve("[0:0:0:0:0:0:0:1]", List.of(), List.of()));
    assertEquals("192.0.2.1", proxies.resolve("::ffff:192.0.2.1", List.of(), List.of()));
    assertEquals("198.51.100.2", proxies.resolve("::ffff:10.0.0.1", List.of(),
        List.of("198.51.100.2:1234")));
  }

  @Test
  void onlyLiteralsAreAddressesNeverNamesToLookUp() {
    assertNull(ClientAddress.literal("localhost"));
    assertNull(ClientAddress.literal("1.2.3"));
    assertNull(ClientAddress.literal("01.2.3.4567"));
    assertNull(ClientAddress.literal("fe80::1%eth0"));
    assertNull(ClientAddress.literal("::g"));
    assertEquals(16, ClientAddress.literal("2001:db8::1").length);
  }

  @Test
  void cidrRangesMatchOnTheirPrefixBits() {
    ClientAddress ranges = ClientAddress.trusting("trustedProxies",
        List.of("172.16.0.0/12", "2001:db8:8000::/33", "0.0.0.0/0"));
    ClientAddress narrow = ClientAddress.trusting("trustedProxies",
        List.of("172.16.0.0/12", "2001:db8:8000::/33"));
    assertEquals("1.1.1.1", narrow.resolve("172.31.255.255", List.of(), List.of("1.1.1.1")));
    assertEquals("172.32.0.1", narrow.resolve("172.32.0.1", List.of(), List.of("1.1.1.1")));
    assertEquals("1.1.1.1", narrow.resolve("2001:db8:ffff::1", List.of(), List.of("1.1.1.1")));
    assertEquals("2001:db8:7fff:0:0:0:0:1",
        narrow.resolve("2001:db8:7fff::1", List.of(), List.of("1.1.1.1")));
    assertEquals("9.9.9.9", ranges.resolve("9.9.9.9", List.of(), List.of()));
  }
}
