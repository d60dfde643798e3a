package io.ssekit.sample;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors the container answers itself (an undecodable query, a malformed request) as problem
 * details with the status and its reason phrase only. Jetty's own error page repeats the request
 * URI, and so any credential in its query; this one repeats nothing the client sent.
 */
final class ProblemErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
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
