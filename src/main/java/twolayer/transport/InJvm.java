package twolayer.transport;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The transport of a local master, whose executors are threads of the driver's JVM. Spark still
 * serialises every task result on the executor and reads it back on the driver, and writes every
 * broadcast out as serialised pieces that in local mode no one reads. For the megabytes of weights and
 * partial sums of every iteration those copies cost more than the math (measured at H=500, B=200: 5.5 ms
 * to broadcast 6 MB, 4.6 ms from the end of the tasks to the merged sum). Here a value crosses
 * Spark's serializer as a number and reads back as the same object.
 */
final class InJvm extends Transport {
  static final InJvm INSTANCE = new InJvm();

  private static final AtomicLong NEXT = new AtomicLong();
  // task results handed off, each read once; shared values, held by the driver while in use
  private static final ConcurrentHashMap<Long, Object> HANDOFF = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Long, WeakReference<Object>> SHARED = new ConcurrentHashMap<>();
  private static final AtomicLong PUTS = new AtomicLong();

  private InJvm() {}

  @Override
  public String toString() {
    return "in-jvm";
  }

  private Object readResolve() {
    return INSTANCE; // one per JVM
  }

  @Override
  void defaults(SparkConf conf) {
    // Spark broadcasts every job's serialised tasks (about 40 KB here) in pieces of this size, each a new
    // array: 4 MB by default, allocated and zeroed per iteration. Nothing else is broadcast in one JVM.
    conf.setIfMissing("spark.broadcast.blockSize", "64k");
  }

  @Override
  public String reachable(String path) {
    return path; // the tasks run on the driver's machine
  }

  /**
   * In the tasks' closure, which Spark broadcasts once per job anyway: no broadcast of its own
   * (measured: each broadcast, made and destroyed, cost 2.2-2.6 ms of an iteration).
   */
  @Override
  public <T> Shared<T> share(JavaSparkContext sc, T value) {
    return new Held<>(value);
  }

  @Override
  public <T> Shared<T> perJob(JavaSparkContext sc, T value) {
    return new Held<>(value);
  }

  @Override
  <U> Object send(U value, long job, int partition, int attempt) {
    return new Ref<>(value, false, job << 32 | (long) (partition & 0xFFFF) << 16 | (attempt & 0xFFFF));
  }

  @Override
  @SuppressWarnings("unchecked")
  <U> U receive(Object sent) {
    return ((Ref<U>) sent).get();
  }

  @Override
  void forget(long job) {
    HANDOFF.keySet().removeIf(k -> k >> 32 == job);
  }

  @Override
  public Serializable taskForm(Serializable self) {
    return new SameObject(new Ref<>(self, true, NEXT.incrementAndGet()));
  }

  @Override
  public void cache(org.apache.spark.rdd.RDD<?> rdd) {
    rdd.localCheckpoint(); // in memory, spilled to disk under pressure
  }

  @Override
  public void done(Reusable result) {
    result.recycle();
  }

  /** Task results handed off and not read back yet (tests). */
  static int handoffsHeld() {
    return HANDOFF.size();
  }

  /** A value the driver holds strongly while tasks may read it; serialised as the number of a weak entry. */
  private static final class Held<T> implements Shared<T> {
    private final Ref<T> ref;
    private transient T held; // the registry holds the value weakly: this keeps it on the driver

    Held(T value) {
      this.held = value;
      this.ref = new Ref<>(value, true, NEXT.incrementAndGet());
    }

    @Override
    public T get() {
      return ref.get();
    }

    @Override
    public void release() {
      held = null;
      SHARED.remove(ref.key);
    }

    /** Whether the serialised number still finds the value (tests). */
    boolean registered() {
      return SHARED.containsKey(ref.key);
    }
  }

  /** Whether {@code s}, made by this transport, can still be read by tasks (tests). */
  static boolean registered(Shared<?> s) {
    return s instanceof Held<?> h && h.registered();
  }

  /**
   * A value serialised as a number. Shared: the driver keeps a strong reference while tasks may read it,
   * so the entry is weak and may be read many times. A task result: only the number refers to it until
   * the driver reads it, once.
   */
  private static final class Ref<T> implements Serializable {
    private transient T value;
    private final boolean shared;
    private final long key;

    Ref(T value, boolean shared, long key) {
      this.value = value;
      this.shared = shared;
      this.key = key;
    }

    T get() {
      return value;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
      if (!shared) {
        HANDOFF.put(key, value);
        return;
      }
      if (PUTS.incrementAndGet() % 256 == 0) { // values dropped without a release; released ones go at once
        SHARED.values().removeIf(r -> r.get() == null);
      }
      SHARED.put(key, new WeakReference<>(value));
    }

    @SuppressWarnings("unchecked")
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      Object v;
      if (shared) {
        WeakReference<Object> r = SHARED.get(key);
        v = r == null ? null : r.get();
      } else {
        v = HANDOFF.remove(key);
      }
      if (v == null) {
        throw new IOException("in-JVM value " + key + " is gone (a reference read twice or too late)");
      }
      value = (T) v;
    }
  }

  /** Reads back as the object its number refers to: the driver's own, in the same JVM. */
  private static final class SameObject implements Serializable {
    private final Ref<Object> ref;

    @SuppressWarnings("unchecked")
    SameObject(Ref<?> ref) {
      this.ref = (Ref<Object>) ref;
    }

    @Override
  public String toString() {
    return "in-jvm";
  }

  private Object readResolve() {
      return ref.get();
    }
  }
}
