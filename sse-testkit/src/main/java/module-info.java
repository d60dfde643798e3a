/**
 * The test kit: contract tests for implementations of the SPIs, an SSE parser and client, a
 * recording sink, and {@code redis-server} processes for tests. JUnit runs the contracts' test
 * methods by reflection, so the package is open to it.
 */
module io.ssekit.testkit {
  requires transitive io.ssekit.api;
  requires transitive org.junit.jupiter.api;
  requires awaitility;
  requires transitive java.net.http;

  exports io.ssekit.testkit;
  opens io.ssekit.testkit to org.junit.platform.commons;
}
