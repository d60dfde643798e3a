package io.ssekit.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Writes JSON answers and RFC 9457 problem details; never a stack trace. */
final class JsonResponses {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PROBLEM_BASE = "https://ssekit.io/problems/";

  private JsonResponses() {}

  /** A {@code 200} (or other status) with a JSON body. */
  static void json(HttpServletResponse response, int status, ObjectNode body) throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  /** An {@code application/problem+json} body with a stable type. */
  static void problem(HttpServletResponse response, int status, String type, String title,
      String detail) throws IOException {
    ObjectNode body = MAPPER.createObjectNode()
        .put("type", PROBLEM_BASE + type)
        .put("title", title)
        .put("status", status);
    if (detail != null) {
      body.put("detail", detail);
    }
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
