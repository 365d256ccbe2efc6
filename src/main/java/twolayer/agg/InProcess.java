package twolayer.agg;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Values that cross Spark's serializer without leaving the JVM. With a local master the executors are
 * threads of the driver's JVM, yet Spark still serialises every task result on the executor and reads
 * it back on the driver, and writes every broadcast out as serialised pieces that, in local mode, no
 * one reads (tasks get the driver's own object from the block manager). For the megabytes of weights
 * and partial sums of every iteration those copies cost more than the math (measured at H=500, B=200:
 * 5.5 ms to broadcast 6 MB, 4.6 ms from the end of the tasks to the merged sum). A {@link Ref} made for a
 * local master serialises as a number and reads back as the same object; for any other master (the
 * executors in other JVMs, {@code local-cluster} included) it serialises its value as usual.
 */
public final class InProcess {
  private static final AtomicLong NEXT = new AtomicLong();
  // handed-off task results, each read once; broadcast values, held by the driver while in use
  private static final ConcurrentHashMap<Long, Object> HANDOFF = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Long, WeakReference<Object>> SHARED = new ConcurrentHashMap<>();
  private static final AtomicLong PUTS = new AtomicLong();

  private InProcess() {}

  /** Whether the executors of {@code sc} are threads of this JVM. */
  public static boolean local(SparkContext sc) {
    return local(sc.master());
  }

  /** Whether a context with this master would run its executors as threads of this JVM (Spark's own test: "local" or "local[...]"). */
  public static boolean local(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  /** {@code value} for the tasks of the jobs to come, until {@link Shared#release}: see {@link Shared}. */
  public static <T> Shared<T> share(JavaSparkContext sc, T value) {
    return local(sc.sc()) ? new Shared<>(value, Ref.shared(value, true), null) : new Shared<>(value, null, sc.broadcast(value));
  }

  /**
   * A value that tasks read, such as the weights of an iteration: captured by the tasks' closure. Under a
   * local master it travels by reference inside the task itself, whose serialised closure Spark already
   * broadcasts once per stage, so it needs no broadcast of its own (measured: each broadcast, made and
   * destroyed, cost 2.2-2.6 ms of an iteration); under any other master it is a Spark broadcast. The
   * driver holds the value until {@link #release}, after the jobs that read it.
   */
  public static final class Shared<T> implements Serializable {
    private final Ref<T> ref; // a local master's
    private final Broadcast<T> broadcast; // any other master's
    private transient T held; // the Ref holds its value weakly: this keeps it on the driver

    private Shared(T value, Ref<T> ref, Broadcast<T> broadcast) {
      this.held = value;
      this.ref = ref;
      this.broadcast = broadcast;
    }

    public T get() {
      return ref != null ? ref.get() : broadcast.value();
    }

    /** Lets the value go: destroys the broadcast (on executors, without waiting, in Spark 4). */
    public void release() {
      held = null;
      if (ref != null) {
        SHARED.remove(ref.key);
      }
      if (broadcast != null) {
        broadcast.destroy();
      }
    }
  }

  /** Task results not read back (a lost or duplicate attempt's): dropped after their job. */
  static void dropHandoffs(long owner) {
    HANDOFF.keySet().removeIf(k -> k >> 32 == owner);
  }

  /** Task results handed off and not read back yet (tests). */
  static int handoffsHeld() {
    return HANDOFF.size();
  }

  /** Whether the serialised number of a local {@code shared} value still finds it (tests). */
  static boolean sharedHeld(Shared<?> shared) {
    return shared.ref != null && SHARED.containsKey(shared.ref.key);
  }

  static long newOwner() {
    return NEXT.incrementAndGet() & 0x7FFFFFFFL;
  }

  /**
   * A value for a broadcast or a task result. Broadcast ({@link #shared}): the driver keeps a strong
   * reference while tasks may read it, so the serialised number holds it weakly. Task result
   * ({@link #handoff}): only the number refers to it until the driver reads it, once.
   */
  public static final class Ref<T> implements Serializable {
    private transient T value;
    private final boolean byReference;
    private final boolean once;
    private final long key;

    private Ref(T value, boolean byReference, boolean once, long key) {
      this.value = value;
      this.byReference = byReference;
      this.once = once;
      this.key = key;
    }

    /** A broadcast value: by reference when {@code local}. */
    public static <T> Ref<T> shared(T value, boolean local) {
      return new Ref<>(value, local, false, local ? NEXT.incrementAndGet() : 0);
    }

    /** Partition {@code partition}'s result for the aggregation {@code owner} (see {@link #dropHandoffs}). */
    static <T> Ref<T> handoff(T value, boolean local, long owner, int partition, int attempt) {
      return new Ref<>(value, local, true, owner << 32 | (long) (partition & 0xFFFF) << 16 | (attempt & 0xFFFF));
    }

    public T get() {
      return value;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
      if (!byReference) {
        out.writeObject(value);
      } else if (once) {
        HANDOFF.put(key, value);
      } else {
        if (PUTS.incrementAndGet() % 256 == 0) { // values dropped without a release; released ones go at once
          SHARED.values().removeIf(r -> r.get() == null);
        }
        SHARED.put(key, new WeakReference<>(value));
      }
    }

    @SuppressWarnings("unchecked")
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      if (!byReference) {
        value = (T) in.readObject();
        return;
      }
      Object v = once ? HANDOFF.remove(key) : derefShared(key);
      if (v == null) {
        throw new IOException("in-process value " + key + " is gone (a local-mode reference read twice or too late)");
      }
      value = (T) v;
    }

    private static Object derefShared(long key) {
      WeakReference<Object> r = SHARED.get(key);
      return r == null ? null : r.get();
    }
  }
}
