package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The page at {@code /} in a real headless Chromium: the browser's own {@code EventSource}
 * connects, the publish form posts to {@code /publish}, and the event shows up in the DOM under
 * its name; when the server restarts, the page shows the shutdown, reconnects by itself and is told
 * that its position is gone.
 */
class BrowserPageTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  /** The newest event in the page's list, as {name, text, id}. */
  static final String NEWEST_EVENT = """
      (() => {
        const item = document.querySelector('#events li');
        return item ? { name: item.dataset.event, text: item.textContent, id: item.title } : null;
      })()""";

  SampleApp app;
  HeadlessChromium browser;

  @BeforeEach
  void start() throws Exception {
    app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", "0", "SSE_RETRY_MS", "500")));
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (app != null) {
      app.close();
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  String state() throws Exception {
    return browser.evaluate("document.getElementById('state').textContent").asText();
  }

  void awaitState(String expected) throws Exception {
    browser.awaitValue("document.getElementById('state').textContent",
        value -> value.asText().equals(expected), WAIT);
  }

  @Test
  void thePageShowsAnEventPublishedFromItsFormByName() throws Exception {
    browser = HeadlessChromium.open(uri("/"), WAIT);
    awaitState("open");
    assertEquals("1", browser.evaluate("document.getElementById('opens').textContent").asText());

    browser.evaluate("""
        document.getElementById('pub-event').value = 'notification';
        document.getElementById('pub-data').value = 'Deploy complete from the browser';
        document.getElementById('publish').click();
        'submitted'""");

    JsonNode shown = browser.awaitValue(NEWEST_EVENT, value -> !value.isNull(), WAIT);
    assertEquals("notification", shown.get("name").asText());
    assertEquals("notification Deploy complete from the browser", shown.get("text").asText());
    String result = browser.awaitValue("document.getElementById('publish-result').textContent",
        value -> !value.asText().isEmpty(), WAIT).asText();
    assertTrue(result.startsWith("published as "), result);
    assertEquals("id " + result.substring("published as ".length()), shown.get("id").asText(),
        "the event carries the id /publish answered");
  }

  @Test
  void anEventSentFromOutsideAppearsAndTheConnectionStateIsShown() throws Exception {
    browser = HeadlessChromium.open(uri("/"), WAIT);
    awaitState("open");

    HttpResponse<String> sent = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/send"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"Deploy complete\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("{\"sent\":true,\"clients\":1}", sent.body());
    JsonNode shown = browser.awaitValue(NEWEST_EVENT, value -> !value.isNull(), WAIT);
    assertEquals("notification {\"title\":\"Deploy complete\"}", shown.get("text").asText());

    browser.evaluate("document.getElementById('disconnect').click(); 'clicked'");
    assertEquals("closed", state());
  }

  @Test
  void whenTheServerRestartsThePageShowsTheShutdownReconnectsAndIsToldToReset() throws Exception {
    browser = HeadlessChromium.open(uri("/"), WAIT);
    awaitState("open");
    int port = app.port();

    app.close();
    JsonNode shutdown = browser.awaitValue(NEWEST_EVENT, value -> !value.isNull(), WAIT);
    assertEquals("server-shutdown", shutdown.get("name").asText());
    awaitState("reconnecting");

    // The same address again, with a new (empty) history: the page's last id is from another epoch.
    app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", Integer.toString(port))));
    awaitState("open");
    // At least twice: a retry that reaches the stopping server gets a short stream as well.
    int opens = browser.evaluate("document.getElementById('opens').textContent").asInt();
    assertTrue(opens >= 2, "opened " + opens + " times");
    JsonNode reset = browser.awaitValue(NEWEST_EVENT,
        value -> value.get("name").asText().equals("sse-reset"), WAIT);
    assertTrue(reset.get("text").asText().contains("unknown-epoch"), reset.toString());
  }
}
