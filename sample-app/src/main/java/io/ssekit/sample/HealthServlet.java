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
 *
 * <p>{@code GET /health/live}: {@code 200 {"status":"UP"}} while the process serves (a liveness
 * probe). {@code GET /health/ready}: {@code 200 {"status":"UP"}}, or {@code 503} with {@code
 * "status":"DOWN"} and why ({@code "shutdown":true}, {@code "redis":"unreachable"}) from the
 * moment shutdown begins, before any stream is told to go, and while Redis cannot be reached (a
 * readiness probe: a load balancer sends no new clients).
 */
final class HealthServlet extends JsonServlet {
  private final IntSupplier connections;
  private final Optional<BooleanSupplier> redisUp;
  private final BooleanSupplier shuttingDown;

  HealthServlet(IntSupplier connections, Optional<BooleanSupplier> redisUp,
      BooleanSupplier shuttingDown) {
    super(Set.of("GET"));
    this.connections = connections;
    this.redisUp = redisUp;
    this.shuttingDown = shuttingDown;
  }

  @Override
  void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setHeader("Cache-Control", "no-store");
    String which = request.getPathInfo() == null ? "" : request.getPathInfo();
    boolean redis = redisUp.map(BooleanSupplier::getAsBoolean).orElse(true);
    ObjectNode body = JsonResponses.MAPPER.createObjectNode();
    switch (which) {
      case "", "/" -> {
        body.put("status", redis ? "UP" : "DOWN").put("connections", connections.getAsInt());
        redisUp.ifPresent(check -> body.put("redis", redis ? "up" : "unreachable"));
        JsonResponses.json(response, redis ? 200 : 503, body);
      }
      case "/live" -> JsonResponses.json(response, 200, body.put("status", "UP"));
      case "/ready" -> {
        boolean stopping = shuttingDown.getAsBoolean();
        boolean ready = redis && !stopping;
        body.put("status", ready ? "UP" : "DOWN");
        if (stopping) {
          body.put("shutdown", true);
        }
        redisUp.ifPresent(check -> body.put("redis", redis ? "up" : "unreachable"));
        JsonResponses.json(response, ready ? 200 : 503, body);
      }
      default -> JsonResponses.problem(response, 404, "not-found", "Not found",
          "no such health check; use /health, /health/live or /health/ready");
    }
  }
}
