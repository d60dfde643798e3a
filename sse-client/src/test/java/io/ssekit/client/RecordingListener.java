package io.ssekit.client;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** Keeps everything a source told it, in order, for assertions from the test's thread. */
class RecordingListener implements EventListener {
  final List<String> log = new CopyOnWriteArrayList<>();
  final List<MessageEvent> events = new CopyOnWriteArrayList<>();
  final List<StreamReset> resets = new CopyOnWriteArrayList<>();
  final List<String> comments = new CopyOnWriteArrayList<>();
  final List<EventSourceException> errors = new CopyOnWriteArrayList<>();
  final CountDownLatch closed = new CountDownLatch(1);

  @Override
  public void onOpen(HttpResponse.ResponseInfo response) {
    log.add("open " + response.statusCode());
  }

  @Override
  public void onEvent(MessageEvent event) {
    events.add(event);
    log.add("event " + event.type() + " " + event.data());
  }

  @Override
  public void onReset(StreamReset reset) {
    resets.add(reset);
    log.add("reset " + reset.reason() + " " + reset.topics());
  }

  @Override
  public void onComment(String comment) {
    comments.add(comment);
  }

  @Override
  public void onError(EventSourceException error) {
    errors.add(error);
    log.add("error " + error.getMessage());
  }

  @Override
  public void onClosed() {
    log.add("closed");
    closed.countDown();
  }

  boolean isClosed() {
    return closed.getCount() == 0;
  }
}
