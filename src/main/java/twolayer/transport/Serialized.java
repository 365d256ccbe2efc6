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
  public <T> Shared<T> share(JavaSparkContext sc, T value) {
    return new Broadcasted<>(sc.broadcast(value));
  }

  /**
   * Serialised once; in the job's tasks ({@link InTask}) when that takes at most {@value #IN_TASK_BYTES}
   * bytes (the defaults' weights, 0.6 MB: measured on a two-executor standalone cluster, 21.6-23.7 ms per
   * iteration against 25.1-28.5 ms by broadcast, six runs each; with four executors 40.7-41.4 against
   * 46.4-52.6); above, as a block on the driver ({@link DriverBlock}: in the tasks, 6 MB at H=500 took
   * 48 ms to launch and read against 42 ms by broadcast; the block, 45-49 ms per iteration against
   * 57-61). Spark itself warns of tasks over 1000 KiB. Where Spark's block manager differs from the one
   * this was built on, or will not store the value, a broadcast.
   */
  @Override
  public <T> Shared<T> perJob(JavaSparkContext sc, T value) {
    try {
      ChunkedByteBuffer bytes = Bytes.of(value);
      if (bytes.size() <= IN_TASK_BYTES) {
        return new InTask<>(value, bytes.toArray());
      }
      DriverBlock<T> block = DriverBlock.of(value, bytes);
      if (block != null) {
        return block;
      }
    } catch (LinkageError e) {
      // a Spark whose internal classes differ: its public broadcast below
    }
    return new Broadcasted<>(sc.broadcast(value));
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
