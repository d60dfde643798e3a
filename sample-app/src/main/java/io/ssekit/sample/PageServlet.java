package io.ssekit.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/** {@code GET /}: the demo page; every other unmapped path answers {@code 404} as JSON. */
final class PageServlet extends JsonServlet {
  private final byte[] page;

  PageServlet() {
    super(Set.of("GET", "HEAD"));
    try (InputStream in = PageServlet.class.getResourceAsStream("/static/index.html")) {
      if (in == null) {
        throw new IllegalStateException("static/index.html is missing from the class path");
      }
      page = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getServletPath() + (request.getPathInfo() == null ? ""
        : request.getPathInfo());
    if (!path.equals("/") && !path.equals("/index.html")) {
      JsonResponses.problem(response, 404, "not-found", "Not found", "no resource at this path");
      return;
    }
    super.service(request, response);
  }

  @Override
  void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setContentType("text/html;charset=UTF-8");
    response.setHeader("Cache-Control", "no-cache");
    response.setContentLength(page.length);
    if (!request.getMethod().equals("HEAD")) {
      response.getOutputStream().write(page);
    }
  }
}
