package io.ssekit.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.eclipse.jetty.http.BadMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet that answers only its methods, with JSON errors: {@code 405} with {@code Allow} for
 * any other method, {@code 400} for a request Jetty cannot parse (an undecodable query), {@code
 * 500} without details for an unexpected failure.
 */
abstract class JsonServlet extends HttpServlet {
  private static final Logger LOG = LoggerFactory.getLogger(JsonServlet.class);

  private final Set<String> methods;

  JsonServlet(Set<String> methods) {
    this.methods = methods;
  }

  /** Handles a request whose method is one of this servlet's. */
  abstract void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!methods.contains(request.getMethod())) {
      response.setHeader("Allow", String.join(", ", methods));
      JsonResponses.problem(response, 405, "method-not-allowed", "Method not allowed",
          request.getMethod() + " is not allowed here; use " + String.join(" or ", methods));
      return;
    }
    try {
      handle(request, response);
    } catch (IOException e) {
      throw e;
    } catch (BadMessageException e) {
      // An undecodable query or body; its message may quote what the client sent.
      if (!response.isCommitted()) {
        response.reset();
        JsonResponses.problem(response, e.getCode(), "bad-request", "Bad request",
            "the request could not be parsed");
      }
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
      if (!response.isCommitted()) {
        response.reset();
        JsonResponses.problem(response, 500, "internal", "Internal error", null);
      }
    }
  }
}
