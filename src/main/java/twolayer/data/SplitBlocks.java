package twolayer.data;

import java.util.List;
import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.collection.Iterator$;
import scala.collection.immutable.Nil$;
import scala.reflect.ClassTag$;
import twolayer.transport.Shared;
import twolayer.transport.Transport;

/**
 * The blocks of a split set as an RDD of its own, one partition per {@link RecordSplit}: a partition
 * reads its records and centres them ({@link Block#of}). It stands for {@code parallelize(splits).map(...)}
 * without its closures. Every task of every iteration deserialises the RDD it runs on, cached or not,
 * and that chain held three serialised lambdas (Spark's two Scala wrappers and ours), each resolved by
 * reflection on every read (measured at H=50, B=200: 1.25 ms of CPU per task to deserialise, beside
 * 2.5 ms of running). Here there are plain fields, and the mean image (24 KB, 90% of the RDD's bytes)
 * is {@link Shared} once. Tasks only read the RDD (its cached blocks, or {@link #compute} on a miss), so
 * it travels in its {@link Transport#taskForm}: with a local master each job's task binary then holds
 * a number instead of the RDD, and each task reads it back as the driver's own object.
 */
final class SplitBlocks extends RDD<Block> {
  private final RecordSplit[] splits;
  private final Shared<double[][]> meanStd; // {mean, std}, std null when not standardised
  private final int numClasses;
  private final Shared<HadoopConf> conf;
  private final transient Transport transport;
  private transient java.io.Serializable taskForm; // what tasks carry of this RDD (the same for every job)

  @SuppressWarnings("unchecked")
  SplitBlocks(JavaSparkContext sc, List<RecordSplit> splits, double[] mean, double[] std, int numClasses,
      Shared<HadoopConf> conf) {
    super(sc.sc(), (scala.collection.immutable.Seq<org.apache.spark.Dependency<?>>) (Object) Nil$.MODULE$,
        ClassTag$.MODULE$.apply(Block.class));
    this.splits = splits.toArray(new RecordSplit[0]);
    this.transport = Transport.of(sc);
    this.meanStd = transport.share(sc, new double[][] {mean, std}); // held as long as this RDD
    this.numClasses = numClasses;
    this.conf = conf;
  }

  @Override
  public Iterator<Block> compute(Partition p, TaskContext context) {
    RecordSplit s = ((Part) p).split;
    int d = meanStd.get()[0].length;
    return Iterator$.MODULE$.single(Block.of(s, CifarDataset.read(s, d + 1, numClasses, conf.get().get()), meanStd));
  }

  @Override
  public Partition[] getPartitions() {
    Partition[] parts = new Partition[splits.length];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = new Part(i, splits[i]);
    }
    return parts;
  }

  /** What is serialised in place of this RDD (itself on the executors of a cluster, which never serialise it). */
  private synchronized Object writeReplace() {
    if (transport == null) {
      return this;
    }
    if (taskForm == null) {
      taskForm = transport.taskForm(this);
    }
    return taskForm;
  }

  /** Partition i: split i's records. */
  private static final class Part implements Partition {
    private final int index;
    private final RecordSplit split;

    Part(int index, RecordSplit split) {
      this.index = index;
      this.split = split;
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public int hashCode() {
      return index;
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }
  }
}
