/**
 * A Server-Sent Events client on the JDK's {@link java.net.http.HttpClient}: {@link
 * io.ssekit.client.EventSource} resumes with {@code Last-Event-ID}, backs off with jitter and
 * understands ssekit's own events. It needs nothing beyond the JDK.
 */
module io.ssekit.client {
  requires transitive java.net.http;

  exports io.ssekit.client;
}
