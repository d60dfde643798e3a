package io.ssekit.examples.war;

import io.ssekit.SseHub;
import io.ssekit.servlet.Problems;
import io.ssekit.servlet.SseServlet;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /publish?topic=t[&event=name]} with the event's data as the body (UTF-8 text):
 * publishes it through the hub of the application's {@link SseServlet} and answers {@code 200
 * {"id":"...","topic":"t"}} with the id the history assigned. The topic defaults to {@code
 * default}; an invalid topic or event name, or data over {@code maxEventSize}, is answered with
 * {@code 400}.
 *
 * <p>The hub is looked up in the servlet context, where {@code SseServlet} put it when it was
 * initialised (it is loaded on start-up in {@code web.xml}). The answer is written when the
 * publish completes, without holding the request's thread meanwhile.
 */
public class PublishServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  /** The largest body read; the hub refuses data over its own {@code maxEventSize} as well. */
  private static final int MAX_BODY = 1024 * 1024;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String topic = request.getParameter("topic") != null ? request.getParameter("topic") : "default";
    String event = request.getParameter("event");
    byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      Problems.send(response, 413, "too-large", "Event too large",
          "the body is larger than " + MAX_BODY + " bytes");
      return;
    }
    SseHub hub = SseServlet.hub(getServletContext());
    CompletionStage<String> published;
    try {
      published = hub.publish(topic, event, new String(body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      Problems.send(response, 400, "invalid-event", "Invalid event", e.getMessage());
      return;
    }
    AsyncContext async = request.startAsync();
    published.whenComplete((id, failure) -> async.start(() -> {
      try {
        HttpServletResponse answer = (HttpServletResponse) async.getResponse();
        if (failure != null) {
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          getServletContext().log("publish to " + topic + " failed", cause);
          Problems.send(answer, 503, "publish-failed", "Publish failed",
              "the event could not be stored; try again");
        } else {
          // Topic names and ids hold no character that JSON would escape.
          byte[] json = ("{\"id\":\"" + id + "\",\"topic\":\"" + topic + "\"}")
              .getBytes(StandardCharsets.UTF_8);
          answer.setContentType("application/json");
          answer.setContentLength(json.length);
          answer.getOutputStream().write(json);
        }
      } catch (IOException e) {
        getServletContext().log("could not answer a publish", e);
      } finally {
        async.complete();
      }
    }));
  }
}
