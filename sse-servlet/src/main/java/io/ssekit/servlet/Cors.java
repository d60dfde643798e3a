package io.ssekit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cross-origin access to the stream. Origins are compared exactly (scheme, host and port, without
 * regard to case). A listed origin is echoed with credentials allowed, so {@code new
 * EventSource(url, {withCredentials: true})} works; {@code *} allows every origin without
 * credentials, as the Fetch standard requires. Every answer to a request with an {@code Origin}
 * varies by it.
 */
final class Cors {
  /** Request headers a stream request may carry. */
  static final String ALLOWED_HEADERS = "Last-Event-ID, Authorization, Cache-Control, Accept";

  private final Set<String> origins;
  private final boolean anyOrigin;
  private final long maxAgeSeconds;

  Cors(List<String> origins, Duration maxAge) {
    TreeSet<String> normalized = new TreeSet<>();
    boolean any = false;
    for (String origin : origins) {
      if (origin.equals("*")) {
        any = true;
      } else {
        normalized.add(normalize(requireOrigin(origin)));
      }
    }
    this.origins = Set.copyOf(normalized);
    this.anyOrigin = any;
    this.maxAgeSeconds = maxAge.toSeconds();
  }

  boolean enabled() {
    return anyOrigin || !origins.isEmpty();
  }

  /**
   * Adds the CORS headers for {@code request}'s origin, if it is allowed.
   *
   * @return {@code false} when the request names an origin that is not allowed
   */
  boolean apply(HttpServletRequest request, HttpServletResponse response) {
    String origin = request.getHeader("Origin");
    if (origin == null || !enabled()) {
      return origin == null;
    }
    response.addHeader("Vary", "Origin");
    if (origins.contains(normalize(origin))) {
      response.setHeader("Access-Control-Allow-Origin", origin);
      response.setHeader("Access-Control-Allow-Credentials", "true");
      return true;
    }
    if (anyOrigin) {
      response.setHeader("Access-Control-Allow-Origin", "*");
      return true;
    }
    return false;
  }

  /** Whether {@code request} is a CORS preflight. */
  static boolean isPreflight(HttpServletRequest request) {
    return "OPTIONS".equals(request.getMethod()) && request.getHeader("Origin") != null
        && request.getHeader("Access-Control-Request-Method") != null;
  }

  /**
   * Answers a preflight: {@code 204} with the allowed method and headers for an allowed origin
   * asking for {@code GET}; {@code false} (the caller answers {@code 403}) otherwise.
   */
  boolean preflight(HttpServletRequest request, HttpServletResponse response) {
    if (!apply(request, response)
        || !"GET".equals(request.getHeader("Access-Control-Request-Method"))) {
      return false;
    }
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    response.setHeader("Access-Control-Allow-Methods", "GET");
    response.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    response.setHeader("Access-Control-Max-Age", Long.toString(maxAgeSeconds));
    return true;
  }

  /**
   * Checks the {@code corsOrigins} setting: each entry an origin or {@code *}.
   *
   * @throws IllegalArgumentException naming the setting and the first entry that is not
   */
  static void requireOrigins(List<String> origins) {
    for (String origin : origins) {
      if (!origin.equals("*")) {
        requireOrigin(origin);
      }
    }
  }

  private static String requireOrigin(String origin) {
    int scheme = origin.indexOf("://");
    if (scheme <= 0 || origin.length() == scheme + 3 || origin.endsWith("/")
        || origin.indexOf('/', scheme + 3) >= 0) {
      throw new IllegalArgumentException("corsOrigins entries must be origins like"
          + " https://app.example.com (scheme, host, optional port, no path) or *, was '" + origin
          + "'");
    }
    return origin;
  }

  private static String normalize(String origin) {
    return origin.toLowerCase(Locale.ROOT);
  }
}
