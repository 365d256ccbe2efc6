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
import twolayer.agg.InProcess;

/**
 * The blocks of a split set as an RDD of its own, one partition per {@link RecordSplit}: a partition
 * reads its records and centres them ({@link Block#of}). It stands for {@code parallelize(splits).map(...)}
 * without its closures. Every task of every iteration deserialises the RDD it runs on, cached or not,
 * and that chain held three serialised lambdas (Spark's two Scala wrappers and ours), each resolved by
 * reflection on every read (measured at H=50, B=200: 1.25 ms of CPU per task to deserialise, beside
 * 2.5 ms of running). Here there are plain fields, and the mean image (24 KB, 90% of the RDD's bytes)
 * travels as an {@link InProcess.Shared}. With a local master the RDD itself goes by reference: the
 * tasks are threads of the driver's JVM, and they only read it (its cached blocks, or {@link #compute}
 * on a miss), so each job's task binary holds a number instead of the RDD, and each task reads it
 * back as the driver's own object.
 */
final class SplitBlocks extends RDD<Block> {
  private final RecordSplit[] splits;
  private final InProcess.Shared<double[][]> meanStd; // {mean, std}, std null when not standardised
  private final int numClasses;
  private final InProcess.Shared<HadoopConf> conf;
  private final boolean local;
  private transient InProcess.Ref<SplitBlocks> self; // this, by reference (one number for every job)

  @SuppressWarnings("unchecked")
  SplitBlocks(JavaSparkContext sc, List<RecordSplit> splits, double[] mean, double[] std, int numClasses,
      InProcess.Shared<HadoopConf> conf) {
    super(sc.sc(), (scala.collection.immutable.Seq<org.apache.spark.Dependency<?>>) (Object) Nil$.MODULE$,
        ClassTag$.MODULE$.apply(Block.class));
    this.splits = splits.toArray(new RecordSplit[0]);
    this.meanStd = InProcess.share(sc, new double[][] {mean, std}); // held as long as this RDD
    this.numClasses = numClasses;
    this.conf = conf;
    this.local = InProcess.local(sc.sc());
  }

  @Override
  public Iterator<Block> compute(Partition p, TaskContext context) {
    RecordSplit s = ((Part) p).split;
    double[] mean = meanStd.get()[0], std = meanStd.get()[1];
    return Iterator$.MODULE$.single(Block.of(s, CifarDataset.read(s, mean.length + 1, numClasses, conf.get().get()), mean, std));
  }

  @Override
  public Partition[] getPartitions() {
    Partition[] parts = new Partition[splits.length];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = new Part(i, splits[i]);
    }
    return parts;
  }

  /** With a local master, what is serialised in place of this RDD. */
  private Object writeReplace() {
    if (!local) {
      return this;
    }
    synchronized (this) {
      self = self != null ? self : InProcess.Ref.shared(this, true);
    }
    return new ByReference(self);
  }

  /** Reads back as the RDD it refers to: the driver's, in the same JVM. */
  private static final class ByReference implements java.io.Serializable {
    private final InProcess.Ref<SplitBlocks> ref;

    ByReference(InProcess.Ref<SplitBlocks> ref) {
      this.ref = ref;
    }

    private Object readResolve() {
      return ref.get();
    }
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
