package io.ssekit.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The system's Chromium, headless, with one page driven over the Chrome DevTools Protocol (a
 * WebSocket speaking JSON). The browser is the real one: its own {@code EventSource}, {@code
 * fetch} and DOM. Nothing is downloaded; {@code CHROMIUM} names another binary.
 */
final class HeadlessChromium implements AutoCloseable {
  static final String BINARY = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending;

  private HeadlessChromium(Process process, Path profile, WebSocket socket,
      Map<Integer, CompletableFuture<JsonNode>> pending) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
    this.pending = pending;
  }

  /** Starts the browser on {@code url}, connects to that page and waits until it has loaded. */
  static HeadlessChromium open(URI url, Duration timeout) throws Exception {
    if (!Files.isExecutable(Path.of(BINARY))) {
      throw new IllegalStateException(BINARY + " is missing: install Debian's chromium package "
          + "(.ci/run does) or point CHROMIUM at a Chromium binary");
    }
    Path profile = Files.createTempDirectory("chromium-profile");
    Process process = new ProcessBuilder(BINARY, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--remote-allow-origins=*", "--user-data-dir=" + profile, url.toString())
        .redirectErrorStream(true)
        .redirectOutput(profile.resolve("chromium.log").toFile())
        .start();
    try {
      int port = awaitDevToolsPort(process, profile, timeout);
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = awaitPage(http, port, url, timeout);
      Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
      WebSocket socket = http.newWebSocketBuilder().connectTimeout(timeout)
          .buildAsync(URI.create(pageSocket), new Listener(message -> answer(pending, message)))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      HeadlessChromium browser = new HeadlessChromium(process, profile, socket, pending);
      // The tab starts on about:blank; wait for the page itself.
      browser.awaitValue("document.location.href + ' ' + document.readyState",
          value -> value.asText().equals(url + " complete"), timeout);
      return browser;
    } catch (Exception | AssertionError e) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      deleteRecursively(profile);
      throw e;
    }
  }

  /**
   * Evaluates {@code expression} in the page and returns its value as JSON (awaiting it when it
   * is a promise).
   */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode result = call("Runtime.evaluate", Map.of("expression", expression,
        "returnByValue", true, "awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new AssertionError("page script failed: "
          + result.path("exceptionDetails").path("exception").path("description").asText()
          + " on " + evaluate("document.location.href").asText());
    }
    return result.path("result").path("value");
  }

  /** Evaluates {@code expression} until {@code condition} holds for its value. */
  JsonNode awaitValue(String expression, Predicate<JsonNode> condition, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode value = evaluate(expression);
    while (!condition.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("after " + timeout + ", " + expression + " is " + value);
      }
      pollInterval();
      value = evaluate(expression);
    }
    return value;
  }

  private JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JsonResponses.MAPPER.createObjectNode();
    message.put("id", id).put("method", method).set("params", JsonResponses.MAPPER.valueToTree(params));
    socket.sendText(JsonResponses.MAPPER.writeValueAsString(message), true).join();
    JsonNode reply = answer.get(10, TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new AssertionError(method + " failed: " + reply.get("error"));
    }
    return reply.path("result");
  }

  /** Completes the call that {@code text} answers; events from the page are not asked for. */
  private static void answer(Map<Integer, CompletableFuture<JsonNode>> pending, String text) {
    try {
      JsonNode message = JsonResponses.MAPPER.readTree(text);
      CompletableFuture<JsonNode> call = message.has("id")
          ? pending.remove(message.get("id").asInt()) : null;
      if (call != null) {
        call.complete(message);
      }
    } catch (IOException e) {
      pending.values().forEach(call -> call.completeExceptionally(e));
    }
  }

  private static int awaitDevToolsPort(Process process, Path profile, Duration timeout)
      throws Exception {
    Path file = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("chromium did not open its DevTools port; its output: "
            + readQuietly(profile.resolve("chromium.log")));
      }
      pollInterval();
    }
  }

  private static String awaitPage(HttpClient http, int port, URI url, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      HttpResponse<String> targets = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
          HttpResponse.BodyHandlers.ofString());
      for (JsonNode target : JsonResponses.MAPPER.readTree(targets.body())) {
        if (target.path("type").asText().equals("page")
            && target.path("url").asText().startsWith(url.toString())) {
          return target.path("webSocketDebuggerUrl").asText();
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no page for " + url + " among " + targets.body());
      }
      pollInterval();
    }
  }

  /** Between two looks at something that changes by itself; not a timing assumption. */
  private static void pollInterval() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    socket.abort();
    // Chromium's helper processes (network service, zygote) write into the profile too: they
    // must be gone before it is deleted.
    List<ProcessHandle> helpers = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle helper : helpers) {
      helper.destroyForcibly();
      helper.onExit().get(10, TimeUnit.SECONDS);
    }
    deleteRecursively(profile);
  }

  /** Deletes a directory tree; a file that vanished meanwhile is no error. */
  private static void deleteRecursively(Path directory) throws IOException {
    Files.walkFileTree(directory, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
          throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Collects a message's fragments and hands whole messages on. */
  private static final class Listener implements WebSocket.Listener {
    private final Consumer<String> messages;
    private final StringBuilder partial = new StringBuilder();

    Listener(Consumer<String> messages) {
      this.messages = messages;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        messages.accept(message);
      }
      webSocket.request(1);
      return null;
    }
  }
}
