package io.ssekit.servlet;

import io.ssekit.spi.AuthRequest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The {@link AuthRequest} view of a servlet request, for servlets that ask an {@link
 * io.ssekit.spi.Authenticator} (publish endpoints, a ticket endpoint). Read it while the request
 * is being handled; its {@code toString} never shows headers, cookies or the query.
 */
public final class ServletAuthRequest implements AuthRequest {
  private final HttpServletRequest request;
  private final boolean opensStream;

  private ServletAuthRequest(HttpServletRequest request, boolean opensStream) {
    this.request = request;
    this.opensStream = opensStream;
  }

  /** A request that does not open a stream. */
  public static AuthRequest of(HttpServletRequest request) {
    return new ServletAuthRequest(request, false);
  }

  /** A request of {@link SseServlet} that opens a stream. */
  static AuthRequest stream(HttpServletRequest request) {
    return new ServletAuthRequest(request, true);
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(request.getHeader(name));
  }

  @Override
  public Optional<String> cookie(String name) {
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie cookie : cookies) {
        if (cookie.getName().equals(name)) {
          return Optional.of(cookie.getValue());
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<String> queryParameter(String name) {
    return Optional.ofNullable(request.getParameter(name));
  }

  @Override
  public String remoteAddress() {
    return request.getRemoteAddr();
  }

  @Override
  public boolean opensStream() {
    return opensStream;
  }

  @Override
  public String toString() {
    // Never print headers, cookies or the query: they may hold credentials.
    return "AuthRequest[" + request.getRemoteAddr() + (opensStream ? ", stream]" : "]");
  }
}
