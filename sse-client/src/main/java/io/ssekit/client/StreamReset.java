package io.ssekit.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An ssekit server's word that the client cannot get every event it missed: the {@link
 * ProtocolEvents#RESET} event, read. The events the server can still send follow it.
 *
 * @param reason {@link ProtocolEvents#RESET_GAP}, {@link ProtocolEvents#RESET_UNKNOWN_EPOCH},
 *     {@link ProtocolEvents#RESET_MALFORMED_ID} or a reason a newer server defines
 * @param topics the topics that lost events
 */
public record StreamReset(String reason, List<String> topics) {
  /** Checks the components and copies the list. */
  public StreamReset {
    Objects.requireNonNull(reason, "reason");
    topics = List.copyOf(topics);
  }

  /**
   * Reads {@code event} as a reset: empty when it is not a {@link ProtocolEvents#RESET} event or
   * its data is not the JSON object the protocol describes.
   */
  public static Optional<StreamReset> of(MessageEvent event) {
    if (!ProtocolEvents.RESET.equals(event.type())) {
      return Optional.empty();
    }
    try {
      Json.Obj object = Json.object(event.data());
      String reason = object.string("reason");
      List<String> topics = object.strings("topics");
      return reason == null ? Optional.empty()
          : Optional.of(new StreamReset(reason, topics == null ? List.of() : topics));
    } catch (IllegalArgumentException notJson) {
      return Optional.empty();
    }
  }
}
