package twolayer.transport;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Per-job values sent to the executors as bytes ({@link DriverBlock}, {@link BroadcastBytes}), decoded
 * once per executor for all of its tasks. Ids count up on the driver, one per value of either kind,
 * so an executor keeps the newest {@value #KEPT} (the tasks of one job, and of the job before it that
 * may still be running) and lets the older ones go.
 */
final class Decoded {
  private static final AtomicLong NEXT = new AtomicLong();
  private static final int KEPT = 2;
  private static final ConcurrentHashMap<Long, Object> VALUES = new ConcurrentHashMap<>();

  private Decoded() {}

  /** A new value's id (on the driver). */
  static long nextId() {
    return NEXT.incrementAndGet();
  }

  /** Value {@code id}, decoded by {@code decode} on the first call in this JVM. */
  @SuppressWarnings("unchecked")
  static <T> T get(long id, Supplier<Object> decode) {
    Object v = VALUES.computeIfAbsent(id, k -> decode.get());
    VALUES.keySet().removeIf(k -> k <= id - KEPT);
    return (T) v;
  }
}
