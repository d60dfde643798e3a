package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssekit.testkit.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens never appear in logs. The app runs in a JVM of its own with every ssekit logger
 * at TRACE; every line it writes during a full auth flow (streams by header, cookie, query and
 * ticket, refusals of each kind, publishes, an expiring stream, SIGTERM) is captured, and no
 * token, ticket or secret, nor any part of one, is in it.
 */
class AuthLogTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String SECRET = "a-secret-only-this-log-test-uses-32+";

  final HttpClient http = HttpClient.newHttpClient();
  final List<String> credentials = new ArrayList<>(List.of(SECRET));
  int port;

  String token(String... args) {
    String token = TokenCommand.mint(List.of(args), Map.of("SSE_AUTH_JWT_SECRET", SECRET));
    credentials.add(token);
    return token;
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  int get(String pathAndQuery, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  HttpResponse<String> post(String pathAndQuery, String token, String body) throws Exception {
    return SampleAuthTest.post(http, uri(pathAndQuery), token, body);
  }

  SseClient stream(String query, Map<String, String> headers) {
    SseClient client = SseClient.open(http, uri("/events" + query), headers);
    client.awaitText("id: ", WAIT);
    return client;
  }

  @Test
  void noTokenTicketOrSecretAppearsInAnyLogLineOfAFullAuthFlow(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("app.log");
    port = ChildApp.freePort();
    Process app = ChildApp.start(Map.of("PORT", Integer.toString(port),
        "SSE_AUTH_JWT_SECRET", SECRET, "SSE_SHUTDOWN_GRACE_MS", "1000"),
        List.of("-Dorg.slf4j.simpleLogger.log.io.ssekit=trace"), ProcessBuilder.Redirect.to(
            log.toFile()));
    List<SseClient> streams = new ArrayList<>();
    try {
      String reader = token("--sub", "reader", "--subscribe", "news/*", "--publish", "");
      String writer = token("--sub", "writer", "--subscribe", "*", "--publish", "news/*");
      String brief = token("--sub", "brief", "--ttl", "2");
      String forged = TokenCommand.mint(List.of(),
          Map.of("SSE_AUTH_JWT_SECRET", "a-key-the-server-does-not-know-32+++"));
      credentials.add(forged);
      credentials.add("not-a-jwt-but-secret-anyway");

      assertEquals(401, get("/events?topic=news/a", Map.of()));
      assertEquals(401, get("/events?topic=news/a&token=not-a-jwt-but-secret-anyway", Map.of()));
      assertEquals(401, get("/events?topic=news/a&token=" + forged, Map.of()));
      assertEquals(403, get("/events?topic=billing&token=" + reader, Map.of()));
      streams.add(stream("?topic=news/a&token=" + reader, Map.of()));
      streams.add(stream("?topic=news/a", Map.of("Authorization", "Bearer " + reader)));
      streams.add(stream("?topic=news/a", Map.of("Cookie", "sse_token=" + reader)));

      JsonNode answer = JsonResponses.MAPPER.readTree(
          post("/auth/ticket?topic=news/a", reader, "").body());
      String ticket = answer.get("ticket").asText();
      credentials.add(ticket);
      streams.add(stream("?topic=news/a&token=" + ticket, Map.of()));
      assertEquals(401, get("/events?topic=news/a&token=" + ticket, Map.of()));
      assertEquals(401, get("/events?topic=news/a", Map.of("Authorization", "Bearer " + ticket)));
      assertEquals(401, post("/auth/ticket", forged, "").statusCode());

      assertEquals(200, post("/publish", writer, "{\"topic\":\"news/a\",\"data\":\"x\"}")
          .statusCode());
      assertEquals(200, post("/publish?token=" + writer, null,
          "{\"topic\":\"news/a\",\"data\":\"y\"}").statusCode());
      assertEquals(403, post("/publish", reader, "{\"topic\":\"news/a\",\"data\":\"z\"}")
          .statusCode());
      assertEquals(401, post("/publish?token=" + ticket, null,
          "{\"topic\":\"news/a\",\"data\":\"z\"}").statusCode());
      for (SseClient client : streams) {
        client.awaitEvents(2, WAIT);
      }
      SseClient expiring = SseClient.open(http, uri("/events?token=" + brief));
      expiring.awaitEvent("sse-token-expiring", WAIT);
      expiring.awaitEnd(WAIT);

      app.destroy(); // SIGTERM: the streams still open end, and are logged
      assertTrue(app.waitFor(10, TimeUnit.SECONDS));
    } finally {
      app.destroyForcibly();
      streams.forEach(SseClient::close);
    }

    String lines = Files.readString(log, StandardCharsets.UTF_8);
    assertLogged(lines, "\"GET /events?topic=news/a&token=*** ", 200);
    assertLogged(lines, "\"POST /auth/ticket?topic=news/a ", 200);
    assertLogged(lines, "\"POST /publish?token=*** ", 401);
    for (String credential : credentials) {
      assertFalse(lines.contains(credential), "a credential in the log:\n" + lines);
      for (String part : credential.split("\\.")) {
        if (part.length() > 12 && !isCommonHeader(part)) {
          assertFalse(lines.contains(part), "part of a credential in the log: " + part);
        }
      }
    }
  }

  /** The request log has a line for the request starting {@code request} that got {@code status}. */
  private static void assertLogged(String lines, String request, int status) {
    assertTrue(lines.lines().anyMatch(line -> line.contains(request)
        && line.contains("\" " + status + " ")), request + " " + status + " in\n" + lines);
  }

  /** The JOSE header is the same for every token of a kind; it is not a secret. */
  private static boolean isCommonHeader(String part) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(part),
          StandardCharsets.ISO_8859_1);
      return decoded.startsWith("{\"typ\"") || decoded.startsWith("{\"alg\"");
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }
}
