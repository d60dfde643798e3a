package io.ssekit.servlet;

import io.ssekit.spi.AuthRequest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/** The {@link AuthRequest} view of a servlet request; read while the request is being handled. */
record ServletAuthRequest(HttpServletRequest request) implements AuthRequest {
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
  public String toString() {
    // Never print headers, cookies or the query: they may hold credentials.
    return "AuthRequest[" + request.getRemoteAddr() + "]";
  }
}
