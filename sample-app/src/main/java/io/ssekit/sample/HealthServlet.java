package io.ssekit.sample;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * {@code GET /health}: {@code 200 {"status":"UP","connections":N}}; with Redis, also {@code
 * "redis":"up"}, or {@code 503} with {@code "status":"DOWN","redis":"unreachable"} while Redis
 * cannot be reached.
 */
final class HealthServlet extends JsonServlet {
  private final IntSupplier connections;
  private final Optional<BooleanSupplier> redisUp;

  HealthServlet(IntSupplier connections, Optional<BooleanSupplier> redisUp) {
    super(Set.of("GET"));
    this.connections = connections;
    this.redisUp = redisUp;
  }

  @Override
  void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setHeader("Cache-Control", "no-store");
    boolean up = redisUp.map(BooleanSupplier::getAsBoolean).orElse(true);
    ObjectNode body = JsonResponses.MAPPER.createObjectNode()
        .put("status", up ? "UP" : "DOWN").put("connections", connections.getAsInt());
    redisUp.ifPresent(check -> body.put("redis", up ? "up" : "unreachable"));
    JsonResponses.json(response, up ? 200 : 503, body);
  }
}
