/**
 * The test kit: contract tests that implementations of the SPIs extend in their own test
 * sources ({@link io.ssekit.testkit.EventHistoryContract}, {@link
 * io.ssekit.testkit.FanoutContract}, and {@link io.ssekit.testkit.HubContract} for a history and
 * a fanout working together in a hub), and what tests need around them: an {@link
 * io.ssekit.testkit.EventStreamParser} that reads a {@code text/event-stream} as a browser does,
 * an HTTP {@link io.ssekit.testkit.SseClient}, a {@link io.ssekit.testkit.RecordingSink}, and
 * {@code redis-server} processes of the test's own ({@link io.ssekit.testkit.RedisExtension}).
 *
 * <p>A contract clause the kit cannot test is not left silent: it is a test named {@code
 * untested_clauseN_...}, or a {@code clauseN_...} test that needs a hook the implementation's
 * test did not supply, reported as skipped with the reason.
 */
package io.ssekit.testkit;
