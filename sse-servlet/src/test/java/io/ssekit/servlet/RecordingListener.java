package io.ssekit.servlet;

import io.ssekit.spi.SseListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** An {@link SseListener} that counts what it hears, by name and tag: {@code opened.ok}. */
final class RecordingListener implements SseListener {
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  final List<Long> lags = new CopyOnWriteArrayList<>();
  final List<Integer> replayed = new CopyOnWriteArrayList<>();
  final List<Source> sources = new CopyOnWriteArrayList<>();

  long count(String key) {
    AtomicLong count = counts.get(key);
    return count == null ? 0 : count.get();
  }

  private void add(String key, long amount) {
    counts.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(amount);
  }

  @Override
  public void published(PublishResult result, long nanos) {
    add("published." + result.tag(), 1);
  }

  @Override
  public void published(String topic, PublishResult result, long nanos) {
    add("published." + result.tag() + "." + topic, 1);
    published(result, nanos);
  }

  @Override
  public void delivered() {
    add("delivered", 1);
  }

  @Override
  public void delivered(String topic) {
    add("delivered." + topic, 1);
    delivered();
  }

  @Override
  public void resumed(ResumeResult result, int events) {
    add("resumed." + result.tag(), 1);
    replayed.add(events);
  }

  @Override
  public void catchingUp() {
    add("catchingUp", 1);
  }

  @Override
  public void failed(Operation operation) {
    add("failed." + operation.component() + "." + operation.operation(), 1);
  }

  @Override
  public void streamOpened(OpenResult result) {
    add("opened." + result.tag(), 1);
  }

  @Override
  public void streamClosed(CloseReason reason) {
    add("closed." + reason.tag(), 1);
  }

  @Override
  public void written(int bytes) {
    add("writes", 1);
    add("bytes", bytes);
  }

  @Override
  public void sent(long lagNanos) {
    lags.add(lagNanos);
  }

  @Override
  public void authRefused(int status) {
    add("authRefused." + status, 1);
  }

  @Override
  public void ticket(boolean issued) {
    add(issued ? "ticket.issued" : "ticket.refused", 1);
  }

  @Override
  public void ticketRedeemed() {
    add("ticket.redeemed", 1);
  }

  @Override
  public void attach(Source source) {
    sources.add(source);
  }

  @Override
  public void detach(Source source) {
    sources.remove(source);
  }

  @Override
  public String toString() {
    return "RecordingListener" + counts;
  }
}
