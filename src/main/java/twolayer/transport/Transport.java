package twolayer.transport;

import java.io.Serializable;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;

/**
 * How values cross between the driver and its tasks, decided once per Spark context from its master:
 * {@link InJvm} when the executors are threads of the driver's JVM (a local master), where values go by
 * reference; {@link Serialized} for every other master (standalone, YARN, Kubernetes,
 * {@code local-cluster}), where they are serialised as Spark does. Nothing outside this package asks
 * whether the master is local.
 *
 * <p>The setting {@value #KEY} ({@code auto}, the default, or {@code serialized}) forces the serialised
 * transport under a local master, so that tests cover the cluster's code path without a cluster.
 */
public abstract sealed class Transport implements Serializable permits InJvm, Serialized {
  /** Spark setting: {@code auto} (by the master) or {@code serialized}. */
  public static final String KEY = "spark.twolayer.transport";

  /** The transport of {@code sc}. */
  public static Transport of(SparkContext sc) {
    return of(sc.conf());
  }

  public static Transport of(JavaSparkContext sc) {
    return of(sc.sc().conf());
  }

  /** The transport a context with {@code conf} gets (its master and {@value #KEY}). */
  public static Transport of(SparkConf conf) {
    String mode = conf.get(KEY, "auto");
    return switch (mode) {
      case "serialized" -> Serialized.INSTANCE;
      case "auto" -> inJvm(conf.get("spark.master", "")) ? InJvm.INSTANCE : Serialized.INSTANCE;
      default -> throw new IllegalArgumentException(KEY + ": '" + mode + "' is not one of auto, serialized");
    };
  }

  /** Spark's own test for a master whose executors are threads of the driver: "local" or "local[...]". */
  private static boolean inJvm(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  /** Settings that suit the transport {@code conf} will get, where the user gave none; call before the context starts. */
  public static void configure(SparkConf conf) {
    of(conf).defaults(conf);
    KryoClasses.addTo(conf);
  }

  abstract void defaults(SparkConf conf);

  /**
   * A value that the tasks of many jobs read (the mean image, the Hadoop configuration): a broadcast,
   * fetched once per executor; in one JVM the object itself.
   */
  public abstract <T> Shared<T> share(JavaSparkContext sc, T value);

  /**
   * Where tasks read {@code path}, a file that the driver found (a Hadoop path string): in one JVM, or
   * where it is not a file of the driver's machine, {@code path} itself; otherwise the driver serves it
   * ({@link DriverFiles}), since the executors' machines may not have it. Read it with {@link #readFully}.
   */
  public abstract String reachable(String path);

  /** Reads {@code len} bytes at {@code position} of {@code source}, a path from {@link #reachable}, into {@code b}. */
  public static void readFully(String source, org.apache.hadoop.conf.Configuration conf, long position, byte[] b,
      int off, int len) throws java.io.IOException {
    DriverFiles.readFully(source, conf, position, b, off, len);
  }

  /**
   * A value for the tasks of the next job only (an iteration's weights and batch rows), which must be
   * run by {@link #aggregate(JavaRDD, Shared, Serializable, Function2, Function2, int)} with it: the
   * value may travel inside that job's tasks. In one JVM the object itself; see {@link Serialized#perJob}
   * for how it travels otherwise.
   */
  public abstract <T> Shared<T> perJob(JavaSparkContext sc, T value);

  /**
   * Spark's {@code treeAggregate(zero, seqOp, combOp, depth)}, with the partial sums added in partition
   * order whatever order they arrive in (float addition is not associative: the same data, partitions
   * and seed give the same bits on any master), one Spark job per call, and each partial sum crossing
   * to the driver the way this transport sends values.
   */
  public <T, U extends Serializable> U aggregate(JavaRDD<T> rdd, U zero, Function2<U, T, U> seqOp,
      Function2<U, U, U> combOp, int depth) {
    return TreeAggregate.of(this, rdd, null, zero, seqOp, combOp, depth, null);
  }

  /** The same, for a job whose tasks read {@code value} (from {@link #perJob}; tasks of other jobs cannot). */
  public <T, U extends Serializable> U aggregate(JavaRDD<T> rdd, Shared<?> value, U zero, Function2<U, T, U> seqOp,
      Function2<U, U, U> combOp, int depth) {
    return TreeAggregate.of(this, rdd, value, zero, seqOp, combOp, depth, null);
  }

  /** The same, recording where the job's time went into {@code timeline}. */
  public <T, U extends Serializable> U aggregate(JavaRDD<T> rdd, Shared<?> value, U zero, Function2<U, T, U> seqOp,
      Function2<U, U, U> combOp, int depth, Timeline timeline) {
    return TreeAggregate.of(this, rdd, value, zero, seqOp, combOp, depth, timeline);
  }

  /** A task's result as it leaves the task: by reference in one JVM, else itself. */
  abstract <U> Object send(U value, long job, int partition, int attempt);

  /** The driver's side of {@link #send}. */
  abstract <U> U receive(Object sent);

  /** Results of {@code job} never read (a failed or duplicate attempt's): let go. */
  abstract void forget(long job);

  /**
   * What Java serialisation should write in place of {@code self} when a task carries it (from a
   * {@code writeReplace}): in one JVM a number that reads back as {@code self}, so that tasks share the
   * driver's object; otherwise {@code self}. Call once per object and keep the answer.
   */
  public abstract Serializable taskForm(Serializable self);

  /**
   * Caches {@code rdd}'s partitions where its tasks run, for the jobs to come. In one JVM its lineage is
   * dropped once cached (a lost block there means a lost driver anyway), so that every task carries the
   * RDD alone and not what it was computed from (a DataFrame's query plan: tens of KB per task);
   * otherwise the lineage stays, so that a lost executor's blocks can be rebuilt.
   */
  public abstract void cache(org.apache.spark.rdd.RDD<?> rdd);

  /**
   * The driver is done with {@code result} (an aggregation's, read by the update): in one JVM its
   * arrays go to the {@link ArrayPool} for the next tasks; otherwise nothing happens.
   */
  public abstract void done(Reusable result);

  /** A result whose arrays the next tasks in the same JVM may reuse. */
  public interface Reusable {
    /** Gives the arrays to the {@link ArrayPool}; the object is empty afterwards. */
    void recycle();
  }
}
