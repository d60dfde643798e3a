package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The page at {@code /} with auth on, in a real headless Chromium, as the README's walk-through
 * has a new user do it: without a token the browser's {@code EventSource} is refused; with one
 * pasted into the page, it buys a ticket, streams with it, and publishes with the token.
 */
class BrowserAuthPageTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String SECRET = "a-secret-for-the-browser-auth-test-32+";

  SampleApp app;
  HeadlessChromium browser;

  @BeforeEach
  void start() throws Exception {
    app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", "0",
        "SSE_AUTH_JWT_SECRET", SECRET)));
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    app.close();
  }

  static String token(String... args) {
    return TokenCommand.mint(List.of(args), Map.of("SSE_AUTH_JWT_SECRET", SECRET));
  }

  String text(String id) throws Exception {
    return browser.evaluate("document.getElementById('" + id + "').textContent").asText();
  }

  JsonNode awaitText(String id, java.util.function.Predicate<String> condition) throws Exception {
    return browser.awaitValue("document.getElementById('" + id + "').textContent",
        value -> condition.test(value.asText()), WAIT);
  }

  void connectWith(String token) throws Exception {
    browser.evaluate("document.getElementById('token').value = '" + token + "';"
        + " document.getElementById('connect').click(); 'clicked'");
  }

  @Test
  void withAPastedTokenThePageStreamsThroughATicketAndPublishes() throws Exception {
    browser = HeadlessChromium.open(URI.create("http://127.0.0.1:" + app.port() + "/"), WAIT);
    assertEquals("the server refused the stream (with auth on, paste a token)",
        awaitText("auth-result", said -> !said.isEmpty()).asText());
    assertEquals("closed", text("state"));
    assertEquals("0", text("opens"), "no token: the stream is refused");

    connectWith(token("--sub", "browser", "--subscribe", "default", "--publish", "default"));
    awaitText("state", "open"::equals);
    browser.evaluate("""
        document.getElementById('pub-event').value = 'notification';
        document.getElementById('pub-data').value = 'signed in';
        document.getElementById('publish').click();
        'submitted'""");

    JsonNode shown = browser.awaitValue(BrowserPageTest.NEWEST_EVENT,
        value -> !value.isNull(), WAIT);
    assertEquals("notification signed in", shown.get("text").asText());
    assertTrue(awaitText("publish-result", result -> !result.isEmpty()).asText()
        .startsWith("published as "));
  }

  @Test
  void whenTheServerRestartsThePageBuysAFreshTicketAndResumes() throws Exception {
    browser = HeadlessChromium.open(URI.create("http://127.0.0.1:" + app.port() + "/"), WAIT);
    awaitText("state", "closed"::equals);
    connectWith(token("--sub", "browser", "--subscribe", "default"));
    awaitText("state", "open"::equals);
    int port = app.port();

    app.close();
    awaitText("state", "reconnecting"::equals);
    app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", Integer.toString(port),
        "SSE_AUTH_JWT_SECRET", SECRET)));

    awaitText("state", "open"::equals);
    // At least twice: a ticket bought while the server stops may get a short stream as well.
    assertTrue(Integer.parseInt(text("opens")) >= 2, text("opens"));
    assertEquals("", text("auth-result"));
    JsonNode reset = browser.awaitValue(BrowserPageTest.NEWEST_EVENT,
        value -> value.get("name").asText().equals("sse-reset"), WAIT);
    assertTrue(reset.get("text").asText().contains("unknown-epoch"),
        "it resumed with its last id, from the old epoch: " + reset);
  }

  @Test
  void aTokenWithoutTheTopicIsRefusedAndThePageSaysWhy() throws Exception {
    browser = HeadlessChromium.open(URI.create("http://127.0.0.1:" + app.port() + "/"), WAIT);
    awaitText("state", "closed"::equals);

    connectWith(token("--sub", "browser", "--subscribe", "news/*"));

    String said = awaitText("auth-result", result -> !result.isEmpty()).asText();
    assertEquals("token refused: not allowed to subscribe to topic 'default'", said);
    assertEquals("closed", text("state"));
  }
}
