package io.ssekit.servlet;

import io.ssekit.spi.AuthResult;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Error answers as RFC 9457 problem details: {@code application/problem+json} with {@code type},
 * {@code title}, {@code status} and {@code detail}. Details are written for the client and never
 * carry a stack trace or credentials. Used by ssekit's servlets; usable by an application's own.
 */
public final class Problems {
  /** The prefix of every problem {@code type}. */
  public static final String TYPE_BASE = "https://ssekit.io/problems/";

  private Problems() {}

  /**
   * Answers with a problem: {@code type} is appended to {@link #TYPE_BASE}; {@code detail} is
   * for the client and must hold no credentials.
   */
  public static void send(HttpServletResponse response, int status, String type, String title,
      String detail) throws IOException {
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    byte[] body = json(status, type, title, detail).getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /**
   * Answers an {@link io.ssekit.spi.Authenticator}'s refusal: {@code 401} with its {@code
   * WWW-Authenticate} challenge ({@code Bearer} when it gave none), or {@code 403}.
   */
  public static void deny(HttpServletResponse response, AuthResult.Denied denied)
      throws IOException {
    if (denied.status() == 401) {
      response.setHeader("WWW-Authenticate", denied.challenge() != null ? denied.challenge()
          : "Bearer");
      send(response, 401, "unauthenticated", "Unauthenticated", denied.message());
    } else {
      send(response, 403, "forbidden", "Forbidden", denied.message());
    }
  }

  static String json(int status, String type, String title, String detail) {
    StringBuilder out = new StringBuilder(128);
    out.append("{\"type\":");
    quote(out, TYPE_BASE + type);
    out.append(",\"title\":");
    quote(out, title);
    out.append(",\"status\":").append(status).append(",\"detail\":");
    quote(out, detail);
    return out.append('}').toString();
  }

  /** A JSON string literal (RFC 8259 escapes). */
  private static void quote(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
