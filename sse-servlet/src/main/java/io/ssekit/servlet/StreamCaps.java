package io.ssekit.servlet;

import io.ssekit.ProtocolEvents;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The streams each principal and each client address holds on one servlet, against their caps.
 *
 * <p>A stream request that passed authentication is {@linkplain #admit admitted}: it gets a
 * {@link Claim} on each of its holders (its principal, its address) that has a cap, or a refusal.
 * Under {@link StreamLimitPolicy#REFUSE_NEW} a holder at its cap refuses it, and the claims it
 * took on the other holders are given back. Under {@link StreamLimitPolicy#SUPERSEDE_OLDEST} it
 * is always admitted, and a holder over its cap gives up its oldest claim at the same moment;
 * that claim's stream is {@linkplain Claim#attach superseded}. A claim is {@linkplain
 * Claim#release released} once its stream ends, or when the request opens no stream.
 *
 * <p><b>Exactness.</b> Each holder's claims are a set in insertion order, changed only inside
 * {@link ConcurrentHashMap#compute} of its key, which makes each admission and release atomic
 * per holder: a holder never holds more than its cap, whatever the threads, and its entry
 * disappears with its last claim. Release is idempotent. A superseded claim leaves the holder
 * that superseded it at once (making room for the new stream) and its other holders when its
 * stream ends.
 */
final class StreamCaps {
  /** A cap: what its holders are. */
  enum Cap {
    /** Streams per authenticated principal. */
    PRINCIPAL(ProtocolEvents.CAP_PRINCIPAL),
    /** Streams per client address. */
    ADDRESS(ProtocolEvents.CAP_ADDRESS);

    private final String wire;

    Cap(String wire) {
      this.wire = wire;
    }

    /** The name in the data of {@code sse-superseded} and {@code sse-limit}. */
    String wire() {
      return wire;
    }
  }

  /** A cap and its limit: the one a refusal or a supersession names. */
  record Limit(Cap cap, int limit) {}

  private record Key(Cap cap, String holder) {}

  private final int perPrincipal;
  private final int perAddress;
  private final boolean refuseNew;
  private final ConcurrentHashMap<Key, LinkedHashSet<Claim>> held = new ConcurrentHashMap<>();

  /** {@code 0} for a cap means none. */
  StreamCaps(int perPrincipal, int perAddress, StreamLimitPolicy policy) {
    this.perPrincipal = perPrincipal;
    this.perAddress = perAddress;
    this.refuseNew = policy == StreamLimitPolicy.REFUSE_NEW;
  }

  /** Whether the principal cap applies (the principal is then asked for). */
  boolean capsPrincipals() {
    return perPrincipal > 0;
  }

  /** Whether the address cap applies (the client address is then asked for). */
  boolean capsAddresses() {
    return perAddress > 0;
  }

  /**
   * Admits a stream of {@code principal} from {@code address}; either may be {@code null} for
   * none (an anonymous stream is not counted per principal).
   *
   * @return a claim to attach to the stream and release when it ends; a {@linkplain
   *     Claim#refusal() refused} one holds nothing
   */
  Claim admit(String principal, String address) {
    List<Key> keys = new ArrayList<>(2);
    if (principal != null && perPrincipal > 0) {
      keys.add(new Key(Cap.PRINCIPAL, principal));
    }
    if (address != null && perAddress > 0) {
      keys.add(new Key(Cap.ADDRESS, address));
    }
    Claim claim = new Claim(this, List.copyOf(keys));
    for (Key key : claim.keys) {
      int limit = key.cap() == Cap.PRINCIPAL ? perPrincipal : perAddress;
      Claim[] oldest = new Claim[1];
      boolean[] taken = new boolean[1];
      held.compute(key, (k, claims) -> {
        LinkedHashSet<Claim> set = claims != null ? claims : new LinkedHashSet<>();
        if (refuseNew && set.size() >= limit) {
          return set.isEmpty() ? null : set;
        }
        set.add(claim);
        taken[0] = true;
        if (set.size() > limit) {
          Iterator<Claim> first = set.iterator();
          oldest[0] = first.next();
          first.remove();
        }
        return set;
      });
      if (!taken[0]) {
        claim.release();
        return new Claim(new Limit(key.cap(), limit));
      }
      if (oldest[0] != null) {
        oldest[0].supersede(new Limit(key.cap(), limit));
      }
    }
    return claim;
  }

  /** The streams {@code holder} holds against {@code cap}; 0 when it holds none. */
  int held(Cap cap, String holder) {
    int[] count = new int[1];
    held.computeIfPresent(new Key(cap, holder), (k, claims) -> {
      count[0] = claims.size();
      return claims;
    });
    return count[0];
  }

  /** The principals and addresses that hold streams. */
  int holders() {
    return held.size();
  }

  private void release(Claim claim) {
    for (Key key : claim.keys) {
      held.computeIfPresent(key, (k, claims) -> {
        claims.remove(claim);
        return claims.isEmpty() ? null : claims;
      });
    }
  }

  /**
   * A stream's place in the counts of its holders. Its supersession may come before its stream
   * is attached (the stream is then superseded as it attaches), or after.
   */
  static final class Claim {
    private final StreamCaps caps;
    private final List<Key> keys;
    private final Limit refusal;
    /** Null, then the supersede action of the attached stream, or the Limit that superseded it. */
    private final AtomicReference<Object> target = new AtomicReference<>();

    private Claim(StreamCaps caps, List<Key> keys) {
      this.caps = caps;
      this.keys = keys;
      this.refusal = null;
    }

    private Claim(Limit refusal) {
      this.caps = null;
      this.keys = List.of();
      this.refusal = refusal;
    }

    /** The cap that refused the stream; {@code null} when it was admitted. */
    Limit refusal() {
      return refusal;
    }

    /**
     * Attaches the stream: {@code supersede} ends it, with the cap that superseded it. It runs
     * at most once per cap that supersedes the claim, now if one has already.
     */
    void attach(Consumer<Limit> supersede) {
      if (!target.compareAndSet(null, supersede)) {
        Object superseded = target.get();
        if (superseded instanceof Limit limit) {
          supersede.accept(limit);
        }
      }
    }

    /** Gives the stream's places back; idempotent. */
    void release() {
      if (caps != null) {
        caps.release(this);
      }
    }

    @SuppressWarnings("unchecked")
    private void supersede(Limit limit) {
      while (true) {
        Object current = target.get();
        if (current instanceof Consumer<?> attached) {
          ((Consumer<Limit>) attached).accept(limit);
          return;
        }
        if (current != null || target.compareAndSet(null, limit)) {
          return;
        }
      }
    }
  }
}
