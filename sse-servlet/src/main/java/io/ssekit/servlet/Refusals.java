package io.ssekit.servlet;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The two answers to a stream request that is told to come back later ({@code docs/protocol.md},
 * "What a stream request gets"): a complete {@code 200} stream of one closing frame, which a
 * browser's {@code EventSource} retries by itself, or, under {@code overloadPolicy=503}, a problem
 * with {@code Retry-After}.
 */
final class Refusals {
  private Refusals() {}

  /** A complete {@code 200} {@code text/event-stream} holding only {@code frame}. */
  static void shortStream(HttpServletResponse response, byte[] frame) throws IOException {
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("text/event-stream;charset=UTF-8");
    response.setHeader("Cache-Control", "no-cache");
    response.setContentLength(frame.length);
    response.getOutputStream().write(frame);
  }

  /**
   * A problem with {@code Retry-After}: {@code retryMillis} in whole seconds, rounded up, at least
   * 1; the detail ends with that time.
   */
  static void problem(HttpServletResponse response, int status, long retryMillis, String type,
      String title, String detail) throws IOException {
    long seconds = Math.max(1, (retryMillis + 999) / 1000);
    response.setHeader("Retry-After", Long.toString(seconds));
    Problems.send(response, status, type, title, detail + "; retry after " + seconds + " s");
  }
}
