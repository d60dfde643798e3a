package io.ssekit.sample;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample app's request log: one line per finished request through SLF4J (logger {@value
 * #LOGGER}), with the value of every credential query parameter ({@code token}, {@code
 * access_token}) replaced by {@code ***}. Headers, and so {@code Authorization} and cookies, are
 * never logged. A stream is logged when it ends.
 *
 * <pre>127.0.0.1 "GET /events?topic=news&amp;token=*** HTTP/1.1" 200 4242 61034ms</pre>
 */
final class AccessLog implements RequestLog {
  static final String LOGGER = "io.ssekit.sample.access";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final Set<String> CREDENTIALS = Set.of("token", "access_token");

  @Override
  public void log(Request request, Response response) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    HttpURI uri = request.getHttpURI();
    String query = uri.getQuery();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.getBeginNanoTime());
    LOG.info("{} \"{} {}{} {}\" {} {} {}ms", Request.getRemoteAddr(request), request.getMethod(),
        uri.getPath(), query == null ? "" : "?" + redact(query),
        request.getConnectionMetaData().getProtocol(), response.getStatus(),
        Response.getContentBytesWritten(response), millis);
  }

  /**
   * {@code query} with the values of credential parameters replaced by {@code ***}. Names are
   * compared decoded, as the servlet reads them ({@code %74oken} is {@code token}); a name that
   * does not decode has its value hidden too.
   */
  static String redact(String query) {
    StringBuilder out = new StringBuilder(query.length());
    for (String part : query.split("&", -1)) {
      if (out.length() > 0) {
        out.append('&');
      }
      int equals = part.indexOf('=');
      String name = equals < 0 ? part : part.substring(0, equals);
      out.append(equals >= 0 && isCredential(name) ? name + "=***" : part);
    }
    return out.toString();
  }

  private static boolean isCredential(String rawName) {
    try {
      return CREDENTIALS.contains(URLDecoder.decode(rawName, StandardCharsets.UTF_8)
          .toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException undecodable) {
      return true;
    }
  }
}
