package io.ssekit.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlets.EventSource;
import org.eclipse.jetty.ee10.servlets.EventSourceServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The baseline: Jetty's own {@link EventSourceServlet} behind the same contract as the sample
 * app, {@code GET /events} and {@code POST /send} (the body is sent to every stream as event
 * {@code notification}; answers {@code {"sent":true,"clients":N}}). Same Jetty version and thread
 * pool as the sample app; {@code PORT} from the environment.
 */
public final class BaselineServer {
  private BaselineServer() {}

  public static void main(String[] args) throws Exception {
    Set<EventSource.Emitter> emitters = ConcurrentHashMap.newKeySet();
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("baseline");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(Integer.parseInt(System.getenv().getOrDefault("PORT", "8080")));
    connector.setAcceptQueueSize(4096); // as the sample app: connect rates compare the servlets
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder events = new ServletHolder("events", new EventSourceServlet() {
      @Override
      protected EventSource newEventSource(HttpServletRequest request) {
        return new EventSource() {
          private Emitter emitter;

          @Override
          public void onOpen(Emitter value) {
            emitter = value;
            emitters.add(value);
          }

          @Override
          public void onClose() {
            emitters.remove(emitter);
          }
        };
      }
    });
    events.setAsyncSupported(true);
    context.addServlet(events, "/events");
    context.addServlet(new ServletHolder("send", new HttpServlet() {
      @Override
      protected void doPost(HttpServletRequest request, HttpServletResponse response)
          throws IOException {
        String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        for (EventSource.Emitter emitter : emitters) {
          try {
            emitter.event("notification", body);
          } catch (IOException gone) {
            emitters.remove(emitter);
          }
        }
        byte[] answer = ("{\"sent\":true,\"clients\":" + emitters.size() + "}")
            .getBytes(StandardCharsets.US_ASCII);
        response.setContentType("application/json");
        response.setContentLength(answer.length);
        response.getOutputStream().write(answer);
      }
    }), "/send");
    server.setHandler(context);
    server.start();
    server.join();
  }
}
