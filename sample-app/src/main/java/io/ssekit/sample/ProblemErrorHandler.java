package io.ssekit.sample;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors the container answers itself (an undecodable query, a malformed request) as problem
 * details with the status and its reason phrase only. Jetty's own error page repeats the request
 * URI, and so any credential in its query; this one repeats nothing the client sent.
 *
 * <p>The server's own instance ({@link #forServer()}) answers what never reached the context,
 * above all requests Jetty could not parse, after which Jetty closes the connection. It says
 * {@code Connection: close}, which Jetty leaves out when it never read the request's HTTP
 * version (a request line longer than its buffer: {@code 414}). HTTP/2 has no such header.
 */
final class ProblemErrorHandler extends ErrorHandler {
  private final boolean closes;

  private ProblemErrorHandler(boolean closes) {
    this.closes = closes;
  }

  /** For the context: its connections stay open after an error. */
  static ProblemErrorHandler forContext() {
    return new ProblemErrorHandler(false);
  }

  /** For the server: its answers say {@code Connection: close}. */
  static ProblemErrorHandler forServer() {
    return new ProblemErrorHandler(true);
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
    if (closes && request.getConnectionMetaData().getHttpVersion().getVersion() < 20) {
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body(code)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/problem+json"));
    return ByteBuffer.wrap(body(status));
  }

  static byte[] body(int status) {
    String title = HttpStatus.getMessage(status) != null ? HttpStatus.getMessage(status) : "Error";
    return ("{\"type\":\"https://ssekit.io/problems/http-" + status + "\",\"title\":\"" + title
        + "\",\"status\":" + status + "}").getBytes(StandardCharsets.US_ASCII);
  }
}
