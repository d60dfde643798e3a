package io.ssekit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Finds the address of the client behind a request, believing {@code Forwarded} (RFC 7239) and
 * {@code X-Forwarded-For} only from trusted proxies ({@link ServletSetting#TRUSTED_PROXIES}:
 * addresses and CIDR ranges, IPv4 and IPv6, literals only, so nothing is looked up in DNS).
 *
 * <p>The chain is the forwarded hops, client first, then the request's remote address. It is
 * walked from the right: while the hop is a trusted proxy, the one to its left is taken; the first
 * hop that is not a trusted proxy is the client. A remote address that is not trusted is the
 * client whatever the headers say, so a client cannot choose its own address by sending them.
 * One header is read, the one the proxies set ({@link ServletSetting#FORWARDED_HEADER}: {@code
 * X-Forwarded-For} by default, or {@code Forwarded}); the other is ignored, since a proxy passes
 * a header it does not set through as the client wrote it. A hop
 * that is no address ({@code unknown}, an obfuscated {@code _name}) ends the walk and is the
 * client as written; when every hop is trusted, the leftmost is. Addresses come out in one
 * canonical form ({@code ::1} and {@code 0:0:0:0:0:0:0:1} are one client; an IPv4-mapped IPv6
 * address is its IPv4 address).
 *
 * <p>Immutable and thread-safe.
 */
final class ClientAddress {
  /** The header {@link ServletSetting#FORWARDED_HEADER} names for RFC 7239. */
  static final String FORWARDED = "Forwarded";
  /** The header {@link ServletSetting#FORWARDED_HEADER} names by default. */
  static final String X_FORWARDED_FOR = "X-Forwarded-For";

  private static final ClientAddress DIRECT = new ClientAddress(List.of(), false);

  private final List<Range> trusted;
  /** Read {@code Forwarded}, not {@code X-Forwarded-For}. */
  private final boolean rfc7239;

  private ClientAddress(List<Range> trusted, boolean rfc7239) {
    this.trusted = trusted;
    this.rfc7239 = rfc7239;
  }

  /**
   * Trusts the proxies at {@code entries}: addresses ({@code 10.0.0.1}, {@code ::1}) and CIDR
   * ranges ({@code 10.0.0.0/8}, {@code fd00::/8}).
   *
   * @throws IllegalArgumentException naming the first entry that is neither, for the setting
   *     {@code name}
   */
  static ClientAddress trusting(String name, List<String> entries) {
    return trusting(name, entries, X_FORWARDED_FOR);
  }

  /**
   * Trusts the proxies at {@code entries}, reading the header {@code header} ({@value
   * #X_FORWARDED_FOR} or {@value #FORWARDED}).
   *
   * @throws IllegalArgumentException naming the first entry that is no address or range
   */
  static ClientAddress trusting(String name, List<String> entries, String header) {
    if (entries.isEmpty()) {
      return DIRECT;
    }
    List<Range> ranges = new ArrayList<>(entries.size());
    for (String entry : entries) {
      ranges.add(Range.parse(name, entry));
    }
    return new ClientAddress(List.copyOf(ranges), FORWARDED.equals(header));
  }

  /** The client address of {@code request}; see the class comment. */
  String of(HttpServletRequest request) {
    String remote = Objects.requireNonNullElse(request.getRemoteAddr(), "unknown");
    if (trusted.isEmpty()) {
      return canonical(remote);
    }
    return resolve(remote, headers(request, "Forwarded"),
        headers(request, "X-Forwarded-For"));
  }

  /**
   * The client address for the remote address {@code remote} and the values of the request's
   * {@code Forwarded} and {@code X-Forwarded-For} headers, in the order they came.
   */
  String resolve(String remote, List<String> forwarded, List<String> forwardedFor) {
    byte[] remoteBytes = literal(remote);
    if (remoteBytes == null) {
      return remote;
    }
    String client = canonical(remoteBytes);
    if (!isTrusted(remoteBytes)) {
      return client;
    }
    List<String> hops = rfc7239 ? forwardedFor(forwarded) : split(forwardedFor);
    for (int i = hops.size() - 1; i >= 0; i--) {
      String node = hops.get(i);
      byte[] hop = literal(node);
      if (hop == null) {
        return node.toLowerCase(Locale.ROOT);
      }
      client = canonical(hop);
      if (!isTrusted(hop)) {
        return client;
      }
    }
    return client;
  }

  private boolean isTrusted(byte[] address) {
    for (Range range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> headers(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  /** The {@code for} nodes of {@code Forwarded} values, without ports ({@code unknown} if none). */
  private static List<String> forwardedFor(List<String> values) {
    List<String> nodes = new ArrayList<>();
    for (String value : values) {
      for (String element : splitOutsideQuotes(value, ',')) {
        if (element.isBlank()) {
          continue;
        }
        String node = "unknown";
        for (String pair : splitOutsideQuotes(element, ';')) {
          int eq = pair.indexOf('=');
          if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("for")) {
            node = withoutPort(unquote(pair.substring(eq + 1).trim()));
          }
        }
        nodes.add(node);
      }
    }
    return nodes;
  }

  /** The nodes of {@code X-Forwarded-For} values, without ports. */
  private static List<String> split(List<String> values) {
    List<String> nodes = new ArrayList<>();
    for (String value : values) {
      for (String node : value.split(",")) {
        if (!node.isBlank()) {
          nodes.add(withoutPort(node.trim()));
        }
      }
    }
    return nodes;
  }

  private static List<String> splitOutsideQuotes(String text, char separator) {
    List<String> parts = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted) {
        i++;
      } else if (c == separator && !quoted) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }

  private static String unquote(String value) {
    if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 1; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() - 1) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  /** {@code [v6]:port} → {@code v6}, {@code v4:port} → {@code v4}; a bare IPv6 stays. */
  private static String withoutPort(String node) {
    if (node.startsWith("[")) {
      int end = node.indexOf(']');
      return end > 0 ? node.substring(1, end) : node;
    }
    int colon = node.indexOf(':');
    return colon >= 0 && colon == node.lastIndexOf(':') ? node.substring(0, colon) : node;
  }

  private static String canonical(String address) {
    byte[] bytes = literal(address);
    return bytes == null ? address : canonical(bytes);
  }

  private static String canonical(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /**
   * The bytes of an IPv4 or IPv6 literal (4 for IPv4 and IPv4-mapped IPv6, else 16), or {@code
   * null} for anything else; never a DNS lookup.
   */
  static byte[] literal(String text) {
    String s = text.startsWith("[") && text.endsWith("]")
        ? text.substring(1, text.length() - 1) : text;
    if (s.isEmpty() || s.length() > 45) {
      return null;
    }
    if (s.indexOf(':') >= 0) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
          return null;
        }
      }
      try {
        // A text with ':' is parsed as an IPv6 literal, never looked up.
        return InetAddress.getByName(s).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
          || Integer.parseInt(part) > 255) {
        return null;
      }
      bytes[i] = (byte) Integer.parseInt(part);
    }
    return bytes;
  }

  /** An address and a prefix length: one address, or a CIDR range. */
  private record Range(byte[] network, int prefix) {
    static Range parse(String name, String entry) {
      String text = entry.trim();
      int slash = text.indexOf('/');
      byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
      if (address != null) {
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
          String length = text.substring(slash + 1);
          prefix = length.matches("[0-9]{1,3}") ? Integer.parseInt(length) : -1;
        }
        if (prefix >= 0 && prefix <= bits) {
          return new Range(address, prefix);
        }
      }
      throw new IllegalArgumentException(name + ": '" + entry + "' is not an IP address or CIDR"
          + " range (like 10.0.0.1, 10.0.0.0/8, ::1 or fd00::/8)");
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}
