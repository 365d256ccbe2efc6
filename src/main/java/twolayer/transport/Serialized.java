package twolayer.transport;

import java.io.Serializable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.io.ChunkedByteBuffer;

/**
 * The transport of every master whose executors run in JVMs of their own: values are serialised, once
 * each, in Spark's own ways (broadcasts and task results).
 */
final class Serialized extends Transport {
  static final Serialized INSTANCE = new Serialized();
  /** The largest value that {@link #perJob} sends inside the tasks. */
  static final int IN_TASK_BYTES = 900 << 10;
  /**
   * Spark setting: the most bytes a job's value may cost the driver's network link when the driver sends
   * every task (in the tasks) or every executor (as a block) a copy of its own; above, the value is
   * broadcast, and executors also fetch its pieces from each other. Default 16m.
   */
  public static final String COPIES_KEY = "spark.twolayer.transport.driverCopies";

  private Serialized() {}

  @Override
  public String toString() {
    return "serialized";
  }

  private Object readResolve() {
    return INSTANCE; // one per JVM
  }

  @Override
  void defaults(SparkConf conf) {
    // gradient sums of a few MB come back with the task's status, not through a second fetch
    conf.setIfMissing("spark.task.maxDirectResultSize", "128m");
    // weights are random-looking floats: compressing their broadcast costs time and saves nothing
    conf.setIfMissing("spark.broadcast.compress", "false");
    // a 6 MB broadcast's Adler-32, computed on the driver and checked on every executor, was 7% of the
    // cluster's CPU at H=500 (measured with perf on scripts/cluster.sh's cluster); TCP checks the pieces
    // in flight, and spark.network.crypto.enabled authenticates them where that matters
    conf.setIfMissing("spark.broadcast.checksum", "false");
  }

  @Override
  public String reachable(String path) {
    return DriverFiles.serve(path);
  }

  @Override
  public <T> Shared<T> share(JavaSparkContext sc, T value) {
    return new Broadcasted<>(sc.broadcast(value));
  }

  /**
   * Serialised once; in the job's tasks ({@link InTask}) when that takes at most {@value #IN_TASK_BYTES}
   * bytes (the defaults' weights, 0.6 MB: measured on a two-executor standalone cluster, 21.6-23.7 ms per
   * iteration against 25.1-28.5 ms by broadcast, six runs each; with four executors 40.7-41.4 against
   * 46.4-52.6); above, as a block on the driver ({@link DriverBlock}: in the tasks, 6 MB at H=500 took
   * 48 ms to launch and read against 42 ms by broadcast; the block, 45-49 ms per iteration against
   * 57-61). Spark itself warns of tasks over 1000 KiB. Both send a copy per task or per executor from
   * the driver: when those copies add up to more than {@value #COPIES_KEY} (16m), a broadcast (at
   * 10 Gb/s, 6 MB to each of 8 executors takes the driver's link 38 ms), of the bytes already
   * serialised. Where Spark's block manager will not store the value, a broadcast too; where its
   * internal classes differ from those this was built on, a broadcast of the value.
   */
  @Override
  public <T> Shared<T> perJob(JavaSparkContext sc, T value) {
    try {
      ChunkedByteBuffer bytes = Bytes.of(value);
      long budget = sc.sc().conf().getSizeAsBytes(COPIES_KEY, "16m");
      Route route = route(bytes.size(), Math.max(1, sc.sc().defaultParallelism()), executors(sc), budget);
      if (route == Route.IN_TASK) {
        return new InTask<>(value, bytes.toArray());
      }
      DriverBlock<T> block = route == Route.DRIVER_BLOCK ? DriverBlock.of(value, bytes) : null;
      return block != null ? block : new BroadcastBytes<>(sc, value, bytes);
    } catch (LinkageError e) {
      // a Spark whose internal classes differ: its public broadcast below
    }
    return new Broadcasted<>(sc.broadcast(value));
  }

  /** How {@link #perJob} sends a value. */
  enum Route { IN_TASK, DRIVER_BLOCK, BROADCAST }

  /**
   * The route of a value of {@code size} bytes to a job of about {@code tasks} tasks on {@code executors}
   * executors, when the driver may send {@code budget} bytes of copies per job.
   */
  static Route route(long size, int tasks, int executors, long budget) {
    if (size <= IN_TASK_BYTES && size * tasks <= budget) {
      return Route.IN_TASK;
    }
    return size * executors <= budget ? Route.DRIVER_BLOCK : Route.BROADCAST;
  }

  /** Executors registered now (at least 1: the driver's own block manager serves in local mode). */
  private static int executors(JavaSparkContext sc) {
    return Math.max(1, Executors.registered(sc));
  }

  @Override
  <U> Object send(U value, long job, int partition, int attempt) {
    return value;
  }

  @Override
  @SuppressWarnings("unchecked")
  <U> U receive(Object sent) {
    return (U) sent;
  }

  @Override
  void forget(long job) {}

  @Override
  public Serializable taskForm(Serializable self) {
    return self;
  }

  @Override
  public void cache(org.apache.spark.rdd.RDD<?> rdd) {
    rdd.persist(org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
  }

  @Override
  public void done(Reusable result) {}

  /** A Spark broadcast: each executor fetches it once, whatever the number of its tasks. */
  private static final class Broadcasted<T> implements Shared<T> {
    private final Broadcast<T> broadcast;

    Broadcasted(Broadcast<T> broadcast) {
      this.broadcast = broadcast;
    }

    @Override
    public T get() {
      return broadcast.value();
    }

    @Override
    public void release() {
      broadcast.destroy(); // on the executors without waiting
    }
  }
}
