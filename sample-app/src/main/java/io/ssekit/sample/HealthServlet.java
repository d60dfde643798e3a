package io.ssekit.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.function.IntSupplier;

/** {@code GET /health}: {@code 200 {"status":"UP","connections":N}}. */
final class HealthServlet extends JsonServlet {
  private final IntSupplier connections;

  HealthServlet(IntSupplier connections) {
    super(Set.of("GET"));
    this.connections = connections;
  }

  @Override
  void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setHeader("Cache-Control", "no-store");
    JsonResponses.json(response, 200, JsonResponses.MAPPER.createObjectNode()
        .put("status", "UP").put("connections", connections.getAsInt()));
  }
}
